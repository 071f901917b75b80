// readBuildInfo against `go version -m` on binaries built here, for each executable format.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BuildInfoError, parseBuildInfo, readBuildInfo, type GoBuildInfo, type GoModuleInfo } from "../../../components/go";

const fixture = path.resolve(__dirname, "..", "..", "..", "..", "tests", "fixtures", "go", "hello");
const goEnv = { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };

/** `go version -m` output as the same shape, parsed independently of the reader. */
function goVersionM(file: string): GoBuildInfo {
  const out = execFileSync("go", ["version", "-m", file], { encoding: "utf8", env: goEnv });
  const [first, ...lines] = out.split("\n");
  const goVersion = (first ?? "").split(": ")[1] ?? "";
  let pathLine = "";
  let main: GoBuildInfo["main"];
  const deps: GoModuleInfo[] = [];
  const settings: Record<string, string> = {};
  for (const line of lines) {
    const [, kind, ...f] = line.split("\t");
    const mod = (): GoModuleInfo => (f[2] ? { path: f[0] ?? "", version: f[1] ?? "", sum: f[2] } : { path: f[0] ?? "", version: f[1] ?? "" });
    if (kind === "path") pathLine = f[0] ?? "";
    else if (kind === "mod") main = mod();
    else if (kind === "dep") deps.push(mod());
    else if (kind === "=>") {
      const last = deps.pop();
      if (last) deps.push({ ...last, replace: mod() });
    } else if (kind === "build") {
      const kv = f.join("\t");
      const eq = kv.indexOf("=");
      const raw = kv.slice(eq + 1);
      settings[kv.slice(0, eq)] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    }
  }
  return { goVersion, path: pathLine, ...(main ? { main } : {}), deps, settings };
}

describe("readBuildInfo", function () {
  this.timeout(300_000);
  let work: string;
  const build = (name: string, env: Record<string, string>, flags: string[]): string => {
    const out = path.join(work, name);
    execFileSync("go", ["build", "-o", out, ...flags, "."], { cwd: fixture, env: { ...goEnv, ...env }, stdio: "pipe" });
    return out;
  };

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "goplatform-buildinfo-"));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  const variants: [string, Record<string, string>, string[]][] = [
    ["linux/amd64 ELF", { GOOS: "linux", GOARCH: "amd64" }, []],
    ["stripped linux/arm64 ELF (-s -w, -trimpath)", { GOOS: "linux", GOARCH: "arm64" }, ["-trimpath", "-ldflags=-s -w -X main.unused=1", "-tags", "lambda.norpc"]],
    ["linux/386 ELF (32-bit)", { GOOS: "linux", GOARCH: "386" }, ["-trimpath"]],
    ["darwin/arm64 Mach-O", { GOOS: "darwin", GOARCH: "arm64" }, ["-trimpath"]],
    ["windows/amd64 PE", { GOOS: "windows", GOARCH: "amd64" }, ["-trimpath"]],
  ];
  for (const [what, env, flags] of variants) {
    it(`matches go version -m on a ${what}`, async () => {
      const file = build(what.replace(/\W+/g, "-"), env, flags);
      const info = await readBuildInfo(file);
      assert.deepEqual(info, goVersionM(file));
      assert.equal(info.main?.path, "example.com/goplatform/hello");
      assert.equal(info.deps[0]?.replace?.version, "v1.5.0");
      assert.equal(info.settings.GOOS, env.GOOS);
      assert.match(info.goVersion, /^go1\.\d+/);
    });
  }

  it("reads quoted settings such as -ldflags and -tags", async () => {
    const file = build("ldflags", {}, ["-ldflags=-X 'main.v=a b'", "-tags=one,two"]);
    const info = await readBuildInfo(file);
    assert.equal(info.settings["-ldflags"], "-X 'main.v=a b'");
    assert.equal(info.settings["-tags"], "one,two");
    assert.deepEqual(info, goVersionM(file));
  });

  it("names the file for a non-Go executable, a non-executable and a truncated binary", async () => {
    const notGo = path.join(work, "not-go.sh");
    writeFileSync(notGo, "#!/bin/sh\necho hi\n");
    await assert.rejects(readBuildInfo(notGo), (e: unknown) => e instanceof BuildInfoError && e.message === `${notGo}: not an executable (expected ELF, Mach-O or PE)`);
    await assert.rejects(readBuildInfo("/bin/sh"), /\/bin\/sh: not a Go executable \(no Go build info in its data segment\)/);
    await assert.rejects(readBuildInfo(path.join(work, "missing")), /missing: cannot read: ENOENT/);
    const whole = readFileSync(build("whole", {}, []));
    for (const cut of [64, 4096, Math.floor(whole.length / 2)]) {
      assert.throws(() => parseBuildInfo(whole.subarray(0, cut), "cut"), (e: unknown) => e instanceof BuildInfoError && /^cut: (truncated|not a Go executable)/.test(e.message));
    }
  });
});
