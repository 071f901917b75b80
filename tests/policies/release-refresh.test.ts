// The Go rules' release table refreshed from a module proxy: a fake proxy on loopback
// publishing a patch newer than the shipped table moves the patch floor; an
// unreachable or silent proxy gives the shipped table's verdicts; without
// `releaseSource.refresh` no proxy is asked, even with $GOPROXY set.
import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { goMetadata, goReleases } from "../../components/go";
import { defaultGoProxy, refreshGoReleases } from "../../components/go/release-refresh";
import { checkResources, goVersionPolicies, type PolicyConfig, type ResourceToCheck } from "../../policies/index";

interface FakeProxy {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/** A module proxy serving golang.org/toolchain: the shipped releases plus `extra` (version → publication time). */
async function fakeProxy(extra: Record<string, string>, silent = false): Promise<FakeProxy> {
  const shipped = goReleases.lines().flatMap((l) => [...l.prereleases.map((p) => p.version), ...l.patches.map((p) => p.version)]);
  const versions = [...shipped, ...Object.keys(extra)];
  const requests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? "");
    if (silent) return; // never answers
    if (req.url === "/golang.org/toolchain/@v/list") {
      res.end(versions.flatMap((v) => [`v0.0.1-go${v}.linux-amd64`, `v0.0.1-go${v}.darwin-arm64`]).join("\n") + "\n");
      return;
    }
    const info = /^\/golang\.org\/toolchain\/@v\/v0\.0\.1-go(.+)\.linux-amd64\.info$/.exec(req.url ?? "");
    const time = info?.[1] === undefined ? undefined : extra[info[1]];
    if (time === undefined) {
      res.statusCode = 404;
      res.end("not found");
      return;
    }
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ Version: `v0.0.1-go${info?.[1] ?? ""}.linux-amd64`, Time: time }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

const day = "2026-11-30";
const fn = (version: string): ResourceToCheck => ({ type: "aws:lambda/function:Function", name: "fn", props: { tags: goMetadata(`go${version}`), runtime: "provided.al2023" } });
const configFor = (releaseSource?: Record<string, unknown>): PolicyConfig => ({
  "go-version-supported": { asOf: day, ...(releaseSource === undefined ? {} : { releaseSource }) },
  "go-patch-level": { asOf: day, ...(releaseSource === undefined ? {} : { releaseSource }) },
});
const verdicts = async (version: string, releaseSource?: Record<string, unknown>) => (await checkResources([fn(version)], configFor(releaseSource), goVersionPolicies)).map((v) => `${v.policyName}: ${v.message}`);

describe("policies: the Go release table refreshed from the module proxy", function () {
  this.timeout(60_000);
  const proxies: FakeProxy[] = [];
  const savedGoproxy = process.env.GOPROXY;
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    if (savedGoproxy === undefined) delete process.env.GOPROXY;
    else process.env.GOPROXY = savedGoproxy;
  });
  const start = async (extra: Record<string, string>, silent = false) => {
    const proxy = await fakeProxy(extra, silent);
    proxies.push(proxy);
    return proxy;
  };

  it("a newer patch on the proxy raises the patch floor: 1.27.4 passes with the shipped table, fails refreshed", async () => {
    assert.equal(goReleases.latestPatch("1.27", day), "1.27.4", "the shipped table's newest 1.27 patch");
    assert.deepEqual(await verdicts("1.27.4"), []);
    const proxy = await start({ "1.27.5": "2026-11-25T17:02:11Z", "1.28rc1": "2026-11-26T10:00:00Z" });
    assert.deepEqual(await verdicts("1.27.4", { refresh: true, proxy: proxy.url }), [
      "go-patch-level: tags chooses Go 1.27.4, below the 1.27 patch floor 1.27.5 on 2026-11-30 (latest 1.27.5); rebuild with Go 1.27.5.",
    ]);
    assert.deepEqual(await verdicts("1.27.5", { refresh: true, proxy: proxy.url }), []);
    // Before the new patch's day the floor is where it was.
    assert.deepEqual((await refreshGoReleases(goReleases, { proxy: proxy.url, today: day })).table.patchFloor("1.27", "2026-11-24"), goReleases.patchFloor("1.27", "2026-11-24"));
    // Once per run: two rules, four checks, one listing and one .info per new release.
    assert.deepEqual(proxy.requests.filter((r) => r.endsWith("/@v/list")).length, 2, "one list for the policy run (cached) and one for the direct refresh above");
    assert.deepEqual(proxy.requests.filter((r) => r.endsWith(".info")).sort(), [
      "/golang.org/toolchain/@v/v0.0.1-go1.27.5.linux-amd64.info",
      "/golang.org/toolchain/@v/v0.0.1-go1.27.5.linux-amd64.info",
      "/golang.org/toolchain/@v/v0.0.1-go1.28rc1.linux-amd64.info",
      "/golang.org/toolchain/@v/v0.0.1-go1.28rc1.linux-amd64.info",
    ]);
  });

  it("merges: known releases keep their shipped classification, new ones count as security releases, gaps are not added", async () => {
    const proxy = await start({ "1.26.12": "2026-11-25T00:00:00Z", "1.26.14": "2026-11-26T00:00:00Z", "1.28.0": "2026-11-27T00:00:00Z" });
    const refreshed = await refreshGoReleases(goReleases, { proxy: proxy.url, today: day });
    assert.equal(refreshed.source, "proxy");
    assert.deepEqual(refreshed.added, ["1.26.12", "1.28.0"]);
    assert.equal(refreshed.table.asOf, day);
    assert.deepEqual(refreshed.table.line("1.26")?.patches.at(-1), { version: "1.26.12", date: "2026-11-25", security: null });
    assert.deepEqual(refreshed.table.line("1.25")?.patches, goReleases.line("1.25")?.patches);
    assert.deepEqual(refreshed.table.supportedLines(day), ["1.28", "1.27"]);
  });

  it("offline falls back to the shipped table: a closed port, a proxy that never answers", async () => {
    const shipped = await verdicts("1.26.9");
    assert.ok(shipped.length > 0, "1.26.9 is below the shipped floor, so the fallback is visible");
    const closed = await start({});
    await closed.close();
    assert.deepEqual(await verdicts("1.26.9", { refresh: true, proxy: closed.url }), shipped);
    assert.deepEqual(await verdicts("1.27.4", { refresh: true, proxy: closed.url }), []);
    const silent = await start({ "1.27.5": "2026-11-25T00:00:00Z" }, true);
    const began = Date.now();
    assert.deepEqual(await verdicts("1.27.4", { refresh: true, proxy: silent.url, timeoutMs: 300 }), []);
    assert.ok(Date.now() - began < 5000, `the timeout bounds the wait (${String(Date.now() - began)} ms)`);
    const result = await refreshGoReleases(goReleases, { proxy: closed.url });
    assert.equal(result.source, "shipped");
    assert.equal(result.table, goReleases);
    assert.match(result.problem ?? "", /fetch failed/);
  });

  it("asks no proxy unless releaseSource.refresh is set, even with $GOPROXY pointing at one", async () => {
    const proxy = await start({ "1.27.5": "2026-11-25T00:00:00Z" });
    process.env.GOPROXY = `${proxy.url},direct`;
    assert.equal(defaultGoProxy(), proxy.url);
    assert.deepEqual(await verdicts("1.27.4"), []);
    assert.deepEqual(await verdicts("1.27.4", { proxy: proxy.url }), []);
    assert.deepEqual(proxy.requests, []);
    assert.equal(defaultGoProxy("off"), undefined);
    assert.equal(defaultGoProxy(""), "https://proxy.golang.org");
  });
});
