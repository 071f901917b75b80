import { strict as assert } from "node:assert";
import { GoReleaseTable, goReleases, toDay, type GoReleaseLineData } from "../../../components/go";

describe("Go release table: supported window and patch floor", () => {
  it("covers every line from 1.21 with contiguous patches", () => {
    const lines = goReleases.lines().map((l) => l.line);
    assert.deepEqual(lines.slice(-1), ["1.21"]);
    assert.ok(lines.includes("1.27"), "1.27 is in the table");
  });

  it("supports the two newest lines on 2026-11-23, each with its fail-closed floor", () => {
    assert.deepEqual(goReleases.supportedLines("2026-11-23"), ["1.27", "1.26"]);
    assert.equal(goReleases.latestPatch("1.26", "2026-11-23"), "1.26.11");
    // 1.26.8+ came after the security history snapshot: unclassified counts as security.
    assert.equal(goReleases.patchFloor("1.26", "2026-11-23"), "1.26.11");
    assert.equal(goReleases.patchFloor("1.27", "2026-11-23"), "1.27.4");
  });

  it("keeps 1.25 supported until 1.27.0 ships, and drops it that day", () => {
    assert.deepEqual(goReleases.supportedLines("2026-08-18"), ["1.26", "1.25"]);
    assert.deepEqual(goReleases.supportedLines("2026-08-19"), ["1.27", "1.26"]);
    assert.deepEqual(goReleases.supportedLines(new Date("2026-08-19T23:59:59Z")), ["1.27", "1.26"]);
  });

  it("raises the floor for security releases only", () => {
    // 1.26.6 (2026-08-13) had security fixes; 1.26.7 (2026-08-19) only bug fixes.
    assert.equal(goReleases.patchFloor("1.26", "2026-08-18"), "1.26.6");
    assert.equal(goReleases.latestPatch("1.26", "2026-08-19"), "1.26.7");
    assert.equal(goReleases.patchFloor("1.26", "2026-08-19"), "1.26.6");
    assert.equal(goReleases.patchFloor("1.25", "2026-08-18"), "1.25.13");
  });

  it("gives the Go version floor of a day: each supported line's patch floor, newest first", () => {
    assert.deepEqual(goReleases.supportedPatchFloors("2026-11-23"), ["1.27.4", "1.26.11"]);
    assert.deepEqual(goReleases.supportedPatchFloors("2026-08-18"), ["1.26.6", "1.25.13"]);
    assert.deepEqual(goReleases.supportedPatchFloors("2026-08-20"), ["1.27.0", "1.26.6"]);
  });

  it("uses x.y.0 as the floor of a line with no security release yet", () => {
    assert.equal(goReleases.patchFloor("1.27", "2026-08-20"), "1.27.0");
    assert.equal(goReleases.patchFloor("1.22", "2024-02-06"), "1.22.0");
  });

  it("answers for early 2024", () => {
    assert.deepEqual(goReleases.supportedLines("2024-03-01"), ["1.22", "1.21"]);
  });

  it("refuses days before its coverage and malformed days, naming the value", () => {
    assert.throws(() => goReleases.supportedLines("2024-01-01"), /date 2024-01-01 is before the Go release table's coverage \(from 2024-02-06\)/);
    assert.throws(() => goReleases.supportedLines("2026-13-01"), /date: invalid date "2026-13-01"; expected a YYYY-MM-DD string/);
    assert.throws(() => goReleases.supportedLines("2026-02-30"), /invalid date "2026-02-30"/);
    assert.throws(() => toDay(new Date("nope"), "when"), /when: invalid Date/);
  });

  it("assesses versions against the window and floor", () => {
    assert.deepEqual(goReleases.assess("go1.26.8", "2026-11-23"), {
      version: "1.26.8",
      line: "1.26",
      supportedLines: ["1.27", "1.26"],
      supported: true,
      prerelease: false,
      latestPatch: "1.26.11",
      patchFloor: "1.26.11",
      meetsPatchFloor: false,
    });
    const current = goReleases.assess("1.27.4", "2026-11-23");
    assert.equal(current.supported && current.meetsPatchFloor, true);
    const old = goReleases.assess("go1.25.14", "2026-11-23");
    assert.equal(old.supported, false);
    const rc = goReleases.assess("go1.27rc1", "2026-11-23");
    assert.equal(rc.prerelease, true);
    assert.equal(rc.meetsPatchFloor, false);
    const future = goReleases.assess("1.30.1", "2026-11-23");
    assert.equal(future.supported, false);
    assert.equal(future.patchFloor, undefined);
    assert.throws(() => goReleases.assess("1.x", "2026-11-23", "goVersion"), /goVersion: invalid Go version "1.x"/);
  });

  it("rejects a malformed table", () => {
    const gap: GoReleaseLineData[] = [
      { line: "1.30", prereleases: [], patches: [{ version: "1.30.0", date: "2027-02-01", security: false }, { version: "1.30.2", date: "2027-03-01", security: true }] },
    ];
    assert.throws(() => new GoReleaseTable(gap, "2027-03-01", "2027-03-01"), /line 1.30 has 1.30.2 at position 1/);
    assert.throws(() => new GoReleaseTable([{ line: "1.30", prereleases: [], patches: [] }], "2027-03-01", "2027-03-01"), /must start with 1.30.0/);
  });
});
