// The Go build helper for real: toolchains through GOTOOLCHAIN, reproducible bytes, deterministic zips.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { buildGo, defaultGoVersion, readBuildInfo, resolveGoBuild, zipLambdaBootstrap } from "../../components/go";

const repo = path.resolve(__dirname, "..", "..", "..");
const example = path.join(repo, "examples", "lambda-hello");
const asOf = "2026-11-23";

describe("Go build helper: argument checks", () => {
  it("defaults to the newest patch of the newest supported line", () => {
    assert.equal(defaultGoVersion(asOf), "1.27.4");
    const r = resolveGoBuild({ source: example, asOf });
    assert.equal(r.goVersion, "1.27.4");
    assert.equal(r.arch, "arm64");
    assert.equal(r.ldflags, "-s -w");
    assert.equal(r.vcs, false);
    assert.equal(r.binaryName, "bootstrap");
  });

  const bad: [string, object, RegExp][] = [
    ["goVersion 1.x", { goVersion: "1.x" }, /GoLambdaFunction: invalid goVersion "1\.x"; expected a Go release such as "1\.27\.4"/],
    ["goVersion go1.19", { goVersion: "go1.19" }, /invalid goVersion "go1\.19"; expected a release with a patch number \(on 2026-11-23: 1\.27\.4\+ or 1\.26\.11\+\)/],
    ["goVersion 1.19.13", { goVersion: "1.19.13" }, /invalid goVersion "1\.19\.13"; expected a release in a supported line; on 2026-11-23: 1\.27\.4\+ or 1\.26\.11\+/],
    ["goVersion below the floor", { goVersion: "1.26.8" }, /invalid goVersion "1\.26\.8"; it is below the 1\.26 patch floor 1\.26\.11 on 2026-11-23/],
    ["goVersion prerelease", { goVersion: "go1.27rc1" }, /invalid goVersion "go1\.27rc1"; expected a release with a patch number/],
    ["missing source", { source: "/nonexistent/dir" }, /invalid source "\/nonexistent\/dir"; expected an existing directory holding a Go module/],
    ["source without go.mod", { source: path.join(repo, "bench") }, /invalid source ".*bench"; expected a Go module directory, but it has no go\.mod/],
    ["arch", { arch: "x86" }, /invalid arch "x86"; expected one of arm64, amd64/],
    ["package outside source", { package: "../other" }, /invalid package "\.\.\/other"/],
    ["tag", { tags: ["a b"] }, /invalid tags\[0\] "a b"/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects ${what}, naming the argument`, () => {
      assert.throws(() => resolveGoBuild({ source: example, asOf, ...args }, "GoLambdaFunction"), message);
    });
  }
});

describe("Go build helper: real builds", function () {
  this.timeout(900_000);
  let work: string;
  const savedCache = process.env.GOCACHE;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-build-"));
  });
  after(() => {
    if (savedCache === undefined) delete process.env.GOCACHE;
    else process.env.GOCACHE = savedCache;
    rmSync(work, { recursive: true, force: true });
  });

  /** Builds with GOCACHE in `cache` (a fresh directory the first time a name is used). */
  const build = async (source: string, name: string, cache: string) => {
    process.env.GOCACHE = path.join(work, `gocache-${cache}`);
    return buildGo(resolveGoBuild({ source, asOf, tags: ["lambda.norpc"], outDir: path.join(work, name) }));
  };

  it("builds the same bytes twice from clean caches, with the pinned toolchain and flags", async () => {
    const first = await build(example, "a", "a");
    const second = await build(example, "b", "b");
    assert.equal(first.sha256, second.sha256);
    assert.notEqual(first.binary, second.binary);
    const info = await readBuildInfo(first.binary);
    assert.equal(info.goVersion, "go1.27.4");
    assert.equal(first.module, "example.com/goplatform/lambda-hello");
    assert.equal(info.settings.GOOS, "linux");
    assert.equal(info.settings.GOARCH, "arm64");
    assert.equal(info.settings.CGO_ENABLED, "0");
    assert.equal(info.settings["-trimpath"], "true");
    assert.equal(info.settings["-tags"], "lambda.norpc");
    assert.equal(info.settings["vcs.revision"], undefined);
    assert.ok(info.deps.some((d) => d.path === "github.com/aws/aws-lambda-go"));
  });

  it("changes the bytes when the source changes", async () => {
    const copy = path.join(work, "changed-src");
    cpSync(example, copy, { recursive: true });
    const main = path.join(copy, "main.go");
    writeFileSync(main, readFileSync(main, "utf8").replace('"hello, "', '"hi, "'));
    const original = await build(example, "orig", "a");
    const changed = await build(copy, "changed", "a");
    assert.notEqual(changed.sha256, original.sha256);
  });

  it("packs a zip whose bytes depend only on the binary, in any time zone", async () => {
    const built = await build(example, "zip", "a");
    const here = await zipLambdaBootstrap(built.binary, path.join(work, "here.zip"));
    const script = `require(${JSON.stringify(path.join(repo, "dist", "components", "go", "build.js"))}).zipLambdaBootstrap(process.argv[1], process.argv[2]).then(r => console.log(r.sha256))`;
    const elsewhere = execFileSync(process.execPath, ["-e", script, built.binary, path.join(work, "tz.zip")], { env: { ...process.env, TZ: "Pacific/Kiritimati" }, encoding: "utf8" }).trim();
    assert.equal(elsewhere, here.sha256);
    const entries = unzipSync(readFileSync(here.path));
    assert.deepEqual(Object.keys(entries), ["bootstrap"]);
    assert.equal(Buffer.from(entries.bootstrap ?? []).equals(readFileSync(built.binary)), true);
    // External attributes (offset 38 of the central directory entry): regular file, mode 0755.
    const zip = readFileSync(here.path);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    assert.equal(zip.readUInt32LE(central + 38) >>> 16, 0o100755);
  });
});
