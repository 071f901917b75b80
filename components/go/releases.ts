/**
 * The Go release table and what follows from it for a given day: which minor lines
 * the Go project supports (the two newest) and the lowest acceptable patch of each
 * line (the patch floor).
 */
import releaseData from "./release-data.json";
import { toDay } from "../days";
import { compareGoVersions, formatGoVersion, goMinorLine, parseGoVersion, type GoVersion } from "./version";

// Day parsing is shared with the Kubernetes support table; re-exported where it always was.
export { toDay };

export interface GoPatchRelease {
  /** `1.26.8` */
  readonly version: string;
  /** Release day, `YYYY-MM-DD` (UTC). */
  readonly date: string;
  /** Whether the release carried security fixes; `null` while not yet classified. */
  readonly security: boolean | null;
}

export interface GoReleaseLineData {
  /** `1.26` */
  readonly line: string;
  readonly prereleases: readonly { readonly version: string; readonly date: string }[];
  /** Every patch release of the line, `x.y.0` first. */
  readonly patches: readonly GoPatchRelease[];
}

/** What the table says about one Go version on one day. */
export interface GoVersionAssessment {
  readonly version: string;
  readonly line: string;
  /** The lines the Go project supported that day, newest first. */
  readonly supportedLines: readonly string[];
  readonly supported: boolean;
  readonly prerelease: boolean;
  /** Newest patch of the line released by that day (undefined for an unknown line). */
  readonly latestPatch?: string;
  /** Lowest acceptable patch of the line that day (undefined for an unknown line). */
  readonly patchFloor?: string;
  /** True for a release at or above the patch floor. */
  readonly meetsPatchFloor: boolean;
}

export class GoReleaseTable {
  private readonly byLine: ReadonlyMap<string, GoReleaseLineData>;
  /** Lines newest first. */
  private readonly ordered: readonly GoReleaseLineData[];

  constructor(
    lines: readonly GoReleaseLineData[],
    /** Day the table was last refreshed from the module proxy. */
    readonly asOf: string,
    /** Day of the release history the security flags come from. */
    readonly securityHistoryAsOf: string,
  ) {
    for (const line of lines) {
      const first = line.patches[0];
      if (first === undefined || first.version !== `${line.line}.0`) {
        throw new Error(`Go release table: line ${line.line} must start with ${line.line}.0`);
      }
      line.patches.forEach((patch, index) => {
        const parsed = parseGoVersion(patch.version);
        if (goMinorLine(parsed) !== line.line || parsed.patch !== index) {
          throw new Error(`Go release table: line ${line.line} has ${patch.version} at position ${index}`);
        }
        toDay(patch.date, `release table ${patch.version}`);
      });
    }
    this.ordered = [...lines].sort((a, b) => compareGoVersions(b.line, a.line));
    this.byLine = new Map(lines.map((l) => [l.line, l]));
  }

  /** All known lines, newest first. */
  lines(): readonly GoReleaseLineData[] {
    return this.ordered;
  }

  line(line: string): GoReleaseLineData | undefined {
    return this.byLine.get(line);
  }

  /** The day the oldest pair of lines was complete; earlier days are outside the table. */
  coversFrom(): string {
    const second = this.ordered[this.ordered.length - 2];
    if (second === undefined) throw new Error("Go release table needs at least two lines");
    return releaseDay(second);
  }

  /**
   * The minor lines the Go project supported on `date`: the two newest lines whose
   * `x.y.0` was released by then, newest first.
   */
  supportedLines(date: Date | string): readonly string[] {
    const day = this.checkCovered(date);
    return this.ordered
      .filter((line) => releaseDay(line) <= day)
      .slice(0, 2)
      .map((line) => line.line);
  }

  /** Newest patch of `line` released by `date`, e.g. `1.26.11`. */
  latestPatch(line: string, date: Date | string): string | undefined {
    const day = toDay(date);
    return this.patchesBy(line, day).at(-1)?.version;
  }

  /**
   * Lowest acceptable patch of `line` on `date`: the newest patch released by then
   * that carried security fixes. Patches not yet classified (`security: null`) count
   * as security releases, so the floor fails closed. A line with no security patch
   * yet has `x.y.0` as its floor.
   */
  patchFloor(line: string, date: Date | string): string | undefined {
    const patches = this.patchesBy(line, toDay(date));
    const security = patches.filter((p) => p.security !== false).at(-1);
    return (security ?? patches[0])?.version;
  }

  /**
   * The Go version floor on `date`: the patch floor of each supported line, newest
   * line first (`["1.27.4", "1.26.11"]`). A release meets the floor when it is in
   * one of these lines at or above its floor.
   */
  supportedPatchFloors(date: Date | string): readonly string[] {
    const day = toDay(date);
    return this.supportedLines(day).map((line) => this.patchFloor(line, day) ?? `${line}.0`);
  }

  /** Everything the table says about `version` on `date`; never throws for an unknown line. */
  assess(version: GoVersion | string, date: Date | string, argument = "version"): GoVersionAssessment {
    const parsed = typeof version === "string" ? parseGoVersion(version, argument) : version;
    const line = goMinorLine(parsed);
    const supportedLines = this.supportedLines(date);
    const latestPatch = this.latestPatch(line, date);
    const patchFloor = this.patchFloor(line, date);
    const isRelease = parsed.patch !== undefined;
    return {
      version: formatGoVersion(parsed),
      line,
      supportedLines,
      supported: supportedLines.includes(line),
      prerelease: parsed.prerelease !== undefined,
      ...(latestPatch === undefined ? {} : { latestPatch }),
      ...(patchFloor === undefined ? {} : { patchFloor }),
      meetsPatchFloor: isRelease && patchFloor !== undefined && compareGoVersions(parsed, patchFloor) >= 0,
    };
  }

  private patchesBy(line: string, day: string): readonly GoPatchRelease[] {
    return (this.byLine.get(line)?.patches ?? []).filter((p) => p.date <= day);
  }

  private checkCovered(date: Date | string): string {
    const day = toDay(date);
    const from = this.coversFrom();
    if (day < from) {
      throw new RangeError(`date ${day} is before the Go release table's coverage (from ${from})`);
    }
    return day;
  }
}

function releaseDay(line: GoReleaseLineData): string {
  // The constructor guarantees patches[0] exists.
  return line.patches[0]?.date ?? "";
}

/** The release table shipped with this version of goplatform. */
export const goReleases = new GoReleaseTable(releaseData.lines, releaseData.asOf, releaseData.securityHistoryAsOf);
