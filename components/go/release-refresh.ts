/**
 * A fresher Go release table: the releases the Go module proxy publishes
 * (golang.org/toolchain, as scripts/refresh-go-releases.mjs reads them) merged into a
 * shipped table. Known releases keep the shipped data (dates and security
 * classification); a release the table does not have is added with its publication
 * day and `security: null`, which the patch floor counts as a security release, so a
 * new patch raises its line's floor. Offline, slow or odd answers give the shipped
 * table back with the reason; refreshing never throws.
 */
import { GoReleaseTable, type GoPatchRelease, type GoReleaseLineData } from "./releases";
import { compareGoVersions, goMinorLine, parseGoVersion } from "./version";

export interface GoReleaseRefreshOptions {
  /** Module proxy base URL. Default: the first http(s) entry of $GOPROXY, else https://proxy.golang.org. */
  proxy?: string;
  /** Milliseconds for the whole refresh (the list and every `.info`). Default: 3000. */
  timeoutMs?: number;
  /** The day the refreshed table is "as of". Default: today (UTC). */
  today?: string;
}

export interface GoReleaseRefresh {
  readonly table: GoReleaseTable;
  /** Where the table came from: the proxy (merged) or the shipped table alone. */
  readonly source: "proxy" | "shipped";
  /** Releases added from the proxy, e.g. `["1.26.12"]`. */
  readonly added: readonly string[];
  /** Why the shipped table was kept, when it was. */
  readonly problem?: string;
}

/** The proxy `refreshGoReleases` asks by default, or undefined when $GOPROXY names none (`off`, `direct`). */
export function defaultGoProxy(env: string | undefined = process.env.GOPROXY): string | undefined {
  if (env === undefined || env.trim() === "") return "https://proxy.golang.org";
  return env
    .split(/[,|]/)
    .map((entry) => entry.trim())
    .find((entry) => /^https?:\/\//.test(entry));
}

const TOOLCHAIN = /^v0\.0\.1-go(\d+\.\d+(?:\.\d+|rc\d+))\.linux-amd64$/;

async function get(url: string, signal: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url} answered HTTP ${String(response.status)}`);
  return response.text();
}

/** The publication day of `version` (`1.26.12`, `1.28rc1`) from its `.info` Time. */
async function published(proxy: string, version: string, signal: AbortSignal): Promise<string> {
  const info = JSON.parse(await get(`${proxy}/golang.org/toolchain/@v/v0.0.1-go${version}.linux-amd64.info`, signal)) as { Time?: unknown };
  const day = typeof info.Time === "string" ? info.Time.slice(0, 10) : "";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`${version}.info has no Time`);
  return day;
}

/**
 * Merges the proxy's newer releases into `shipped`. Only releases that continue a line
 * in order are added (`x.y.N` after `x.y.N-1`; a new line from its `x.y.0`), so a
 * listing with gaps cannot make an invalid table.
 */
export async function refreshGoReleases(shipped: GoReleaseTable, options: GoReleaseRefreshOptions = {}): Promise<GoReleaseRefresh> {
  const proxy = (options.proxy ?? defaultGoProxy())?.replace(/\/+$/, "");
  if (proxy === undefined) return { table: shipped, source: "shipped", added: [], problem: "GOPROXY names no proxy" };
  const signal = AbortSignal.timeout(options.timeoutMs ?? 3000);
  try {
    const listed = (await get(`${proxy}/golang.org/toolchain/@v/list`, signal))
      .split("\n")
      .map((line) => TOOLCHAIN.exec(line.trim())?.[1])
      .filter((v): v is string => v !== undefined);
    const lines = new Map<string, { line: string; prereleases: { version: string; date: string }[]; patches: GoPatchRelease[] }>(
      shipped.lines().map((l) => [l.line, { line: l.line, prereleases: [...l.prereleases], patches: [...l.patches] }]),
    );
    const known = new Set([...lines.values()].flatMap((l) => [...l.patches.map((p) => p.version), ...l.prereleases.map((p) => p.version)]));
    // Lines older than the table's oldest are history the rules never judge as supported.
    const oldest = shipped.lines().at(-1)?.line ?? "0.0";
    const fresh = [...new Set(listed)].filter((v) => !known.has(v) && compareGoVersions(goMinorLine(parseGoVersion(v)), oldest) >= 0).sort((a, b) => compareGoVersions(a, b));
    const added: string[] = [];
    for (const version of fresh) {
      const parsed = parseGoVersion(version);
      const lineName = goMinorLine(parsed);
      const line = lines.get(lineName) ?? { line: lineName, prereleases: [], patches: [] };
      if (parsed.patch === undefined) {
        if (line.patches.length > 0) continue; // a prerelease after x.y.0 changes nothing
        line.prereleases.push({ version, date: await published(proxy, version, signal) });
      } else {
        if (parsed.patch !== line.patches.length) continue;
        line.patches.push({ version, date: await published(proxy, version, signal), security: parsed.patch === 0 ? false : null });
      }
      lines.set(lineName, line);
      added.push(version);
    }
    // The proxy answered: the table is complete as of today, even with nothing added.
    const merged: GoReleaseLineData[] = [...lines.values()].filter((l) => l.patches.length > 0);
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    return { table: new GoReleaseTable(merged, today > shipped.asOf ? today : shipped.asOf, shipped.securityHistoryAsOf), source: "proxy", added };
  } catch (err) {
    return { table: shipped, source: "shipped", added: [], problem: `${proxy}: ${(err as Error).message}` };
  }
}
