import { strict as assert } from "node:assert";
import {
  compareGoVersions,
  formatGoVersion,
  GoVersionError,
  goMinorLine,
  goToolchainName,
  isGoVersion,
  parseGoVersion,
} from "../../../components/go";

describe("Go version model: parsing", () => {
  const accepted: [string, object, string][] = [
    ["go1.26.8", { major: 1, minor: 26, patch: 8 }, "1.26.8"],
    ["1.26.8", { major: 1, minor: 26, patch: 8 }, "1.26.8"],
    ["1.26.0", { major: 1, minor: 26, patch: 0 }, "1.26.0"],
    ["1.26", { major: 1, minor: 26 }, "1.26"],
    ["go1.26", { major: 1, minor: 26 }, "1.26"],
    ["go1.27rc1", { major: 1, minor: 27, prerelease: { kind: "rc", number: 1 } }, "1.27rc1"],
    ["1.27rc2", { major: 1, minor: 27, prerelease: { kind: "rc", number: 2 } }, "1.27rc2"],
    ["go1.18beta1", { major: 1, minor: 18, prerelease: { kind: "beta", number: 1 } }, "1.18beta1"],
    ["go1.9", { major: 1, minor: 9 }, "1.9"],
    ["1.0.0", { major: 1, minor: 0, patch: 0 }, "1.0.0"],
  ];
  for (const [input, parsed, formatted] of accepted) {
    it(`parses ${input}`, () => {
      assert.deepEqual(parseGoVersion(input), parsed);
      assert.equal(formatGoVersion(parseGoVersion(input)), formatted);
      assert.equal(isGoVersion(input), true);
    });
  }

  it("names toolchains and minor lines the way Go does", () => {
    assert.equal(goToolchainName(parseGoVersion("1.26.8")), "go1.26.8");
    assert.equal(goToolchainName(parseGoVersion("1.27rc1")), "go1.27rc1");
    assert.equal(goMinorLine(parseGoVersion("go1.26.8")), "1.26");
  });

  const rejected: unknown[] = [
    "", "go", "1", "go1", "1.26.", "1.26.8.1", "v1.26.8", "go 1.26.8", " 1.26.8", "1.26.8 ",
    "1.026", "1.26.08", "go1.27rc0", "go1.27rc", "go1.27alpha1", "1.27-rc1", "2.0", "2.0.1", "0.9",
    "latest", "1.26.x", "１.26", 1.26, null, undefined,
  ];
  for (const input of rejected) {
    const shown = input === undefined ? "undefined" : JSON.stringify(input);
    it(`rejects ${shown} with an error that quotes it and lists the accepted forms`, () => {
      assert.throws(
        () => parseGoVersion(input),
        (err: unknown) =>
          err instanceof GoVersionError &&
          err.input === input &&
          err.message.includes(`invalid Go version ${shown}`) &&
          err.message.includes("go1.26.8") &&
          err.message.includes("go1.27rc1"),
      );
      assert.equal(isGoVersion(input), false);
    });
  }

  it("names the argument when told which one it came from", () => {
    assert.throws(() => parseGoVersion("1.x", "goVersion"), /^GoVersionError: goVersion: invalid Go version "1.x"/);
  });
});

describe("Go version model: ordering", () => {
  const ascending = [
    "1.9", "1.9.1", "1.10", "1.10beta1", "1.10rc1", "1.10rc2", "1.10.0", "1.10.1", "1.10.10",
    "1.26", "1.26rc1", "1.26.0", "1.26.8", "1.26.11", "1.27", "1.27beta1", "1.27rc1", "1.27rc3", "1.27.0",
  ];
  it("orders language version < beta < rc < release, numerically", () => {
    const shuffled = [...ascending].reverse();
    assert.deepEqual(shuffled.sort(compareGoVersions), ascending);
  });
  it("treats go-prefixed and bare forms as equal", () => {
    assert.equal(compareGoVersions("go1.26.8", "1.26.8"), 0);
    assert.ok(compareGoVersions("go1.27rc1", "1.27.0") < 0);
    assert.ok(compareGoVersions("1.9", "1.10") < 0);
    assert.ok(compareGoVersions("1.9.9", "1.10.0") < 0);
  });
});
