/**
 * readBuildInfo: what `go version -m` prints, read from a Go executable's bytes.
 *
 * The Go linker writes a build-info blob into the data segment of every binary
 * (ELF `.go.buildinfo`, Mach-O `__go_buildinfo`, PE first writable data section):
 * a 16-byte-aligned header starting with "\xff Go buildinf:", then (Go >= 1.18)
 * two varint-length-prefixed strings, the toolchain version and the module info
 * text. Stripping symbols (`-ldflags=-s -w`) leaves it in place.
 */
import { readFile } from "node:fs/promises";

export interface GoModuleInfo {
  readonly path: string;
  readonly version: string;
  /** go.sum hash (`h1:…`); absent for the main module and unversioned replacements. */
  readonly sum?: string;
  readonly replace?: GoModuleInfo;
}

export interface GoBuildInfo {
  /** Toolchain that built the binary, e.g. `go1.26.8`. */
  readonly goVersion: string;
  /** Package path of the main package. */
  readonly path: string;
  readonly main?: GoModuleInfo;
  readonly deps: readonly GoModuleInfo[];
  /** Build settings: `CGO_ENABLED`, `GOOS`, `GOARCH`, `-trimpath`, `-ldflags`, `-tags`, `vcs.*`… */
  readonly settings: Readonly<Record<string, string>>;
}

export class BuildInfoError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = "BuildInfoError";
  }
}

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER_SIZE = 32;
const ALIGN = 16;
const FLAG_VERSION_INLINE = 0x2;

interface Region {
  offset: number;
  size: number;
}

/** Reads the build info of the Go executable at `file`. */
export async function readBuildInfo(file: string): Promise<GoBuildInfo> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new BuildInfoError(file, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseBuildInfo(bytes, file);
}

/** Reads build info from an executable already in memory; `name` is used in errors. */
export function parseBuildInfo(bytes: Uint8Array, name = "<buffer>"): GoBuildInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const region = dataRegion(buf, name);
  const at = findMagic(buf, region);
  if (at < 0) throw new BuildInfoError(name, "not a Go executable (no Go build info in its data segment)");
  if (at + HEADER_SIZE > buf.length) throw new BuildInfoError(name, "truncated Go build info header");
  const flags = buf[at + 15] ?? 0;
  if ((flags & FLAG_VERSION_INLINE) === 0) {
    throw new BuildInfoError(name, "built by Go older than 1.18 (pointer-format build info), which goplatform does not read");
  }
  const version = readVarBytes(buf, at + HEADER_SIZE, name);
  const modinfo = readVarBytes(buf, version.next, name);
  if (version.value.length === 0) throw new BuildInfoError(name, "not a Go executable (empty Go version)");
  return { goVersion: version.value.toString("utf8"), ...parseModInfo(stripSentinels(modinfo.value), name) };
}

function dataRegion(buf: Buffer, name: string): Region {
  if (buf.length >= 4 && buf.readUInt32BE(0) === 0x7f454c46) return elfRegion(buf, name);
  if (buf.length >= 4 && [0xfeedfacf, 0xcffaedfe, 0xfeedface, 0xcefaedfe].includes(buf.readUInt32BE(0))) return machoRegion(buf, name);
  if (buf.length >= 2 && buf.toString("latin1", 0, 2) === "MZ") return peRegion(buf, name);
  throw new BuildInfoError(name, "not an executable (expected ELF, Mach-O or PE)");
}

/** Bounds-checked reads; any read past the end is a truncated file. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    private readonly name: string,
    private readonly little: boolean,
  ) {}
  private check(offset: number, size: number): void {
    if (offset < 0 || offset + size > this.buf.length) throw new BuildInfoError(this.name, "truncated executable headers");
  }
  u16(o: number): number {
    this.check(o, 2);
    return this.little ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }
  u32(o: number): number {
    this.check(o, 4);
    return this.little ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }
  u64(o: number): number {
    this.check(o, 8);
    return Number(this.little ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o));
  }
  cstring(o: number, max: number): string {
    this.check(o, 1);
    const end = this.buf.indexOf(0, o);
    return this.buf.toString("latin1", o, end < 0 ? Math.min(this.buf.length, o + max) : Math.min(end, o + max));
  }
}

function elfRegion(buf: Buffer, name: string): Region {
  const is64 = buf[4] === 2;
  const r = new Reader(buf, name, buf[5] !== 2);
  const shoff = is64 ? r.u64(0x28) : r.u32(0x20);
  const shentsize = r.u16(is64 ? 0x3a : 0x2e);
  const shnum = r.u16(is64 ? 0x3c : 0x30);
  const shstrndx = r.u16(is64 ? 0x3e : 0x32);
  if (shoff !== 0 && shnum > 0 && shstrndx < shnum) {
    const section = (i: number) => {
      const base = shoff + i * shentsize;
      return {
        name: r.u32(base),
        offset: is64 ? r.u64(base + 0x18) : r.u32(base + 0x10),
        size: is64 ? r.u64(base + 0x20) : r.u32(base + 0x14),
      };
    };
    const strtab = section(shstrndx);
    for (let i = 0; i < shnum; i++) {
      const s = section(i);
      if (r.cstring(strtab.offset + s.name, 64) === ".go.buildinfo") return { offset: s.offset, size: s.size };
    }
  }
  // No section table: the first writable, non-executable PT_LOAD segment.
  const phoff = is64 ? r.u64(0x20) : r.u32(0x1c);
  const phentsize = r.u16(is64 ? 0x36 : 0x2a);
  const phnum = r.u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const base = phoff + i * phentsize;
    const type = r.u32(base);
    const flags = r.u32(is64 ? base + 4 : base + 24);
    if (type === 1 && (flags & 3) === 2) {
      return is64 ? { offset: r.u64(base + 8), size: r.u64(base + 0x20) } : { offset: r.u32(base + 4), size: r.u32(base + 16) };
    }
  }
  throw new BuildInfoError(name, "not a Go executable (ELF without a writable data segment)");
}

function machoRegion(buf: Buffer, name: string): Region {
  const magic = buf.readUInt32BE(0);
  const little = magic === 0xcffaedfe || magic === 0xcefaedfe;
  const is64 = magic === 0xfeedfacf || magic === 0xcffaedfe;
  const r = new Reader(buf, name, little);
  const ncmds = r.u32(16);
  let cmd = is64 ? 32 : 28;
  let firstWritable: Region | undefined;
  for (let i = 0; i < ncmds; i++) {
    const kind = r.u32(cmd);
    const size = r.u32(cmd + 4);
    if (size === 0) throw new BuildInfoError(name, "malformed Mach-O load command");
    if (kind === 0x19 || kind === 0x1) {
      const wide = kind === 0x19;
      const fileoff = wide ? r.u64(cmd + 40) : r.u32(cmd + 32);
      const filesize = wide ? r.u64(cmd + 48) : r.u32(cmd + 36);
      const maxprot = r.u32(wide ? cmd + 56 : cmd + 40);
      const initprot = r.u32(wide ? cmd + 60 : cmd + 44);
      const nsects = r.u32(wide ? cmd + 64 : cmd + 48);
      let sect = cmd + (wide ? 72 : 56);
      for (let s = 0; s < nsects; s++) {
        if (r.cstring(sect, 16) === "__go_buildinfo") {
          return { offset: r.u32(sect + (wide ? 48 : 40)), size: wide ? r.u64(sect + 40) : r.u32(sect + 36) };
        }
        sect += wide ? 80 : 68;
      }
      if (firstWritable === undefined && filesize > 0 && maxprot === 3 && initprot === 3) firstWritable = { offset: fileoff, size: filesize };
    }
    cmd += size;
  }
  if (firstWritable !== undefined) return firstWritable;
  throw new BuildInfoError(name, "not a Go executable (Mach-O without a writable data segment)");
}

function peRegion(buf: Buffer, name: string): Region {
  const r = new Reader(buf, name, true);
  const pe = r.u32(0x3c);
  if (r.u32(pe) !== 0x00004550) throw new BuildInfoError(name, "not an executable (MZ file without a PE header)");
  const nsections = r.u16(pe + 6);
  const optionalSize = r.u16(pe + 20);
  const table = pe + 24 + optionalSize;
  const INITIALIZED_DATA_READ_WRITE = 0x40 | 0x40000000 | 0x80000000;
  for (let i = 0; i < nsections; i++) {
    const s = table + i * 40;
    const virtualSize = r.u32(s + 8);
    const virtualAddress = r.u32(s + 12);
    const rawSize = r.u32(s + 16);
    const rawOffset = r.u32(s + 20);
    const characteristics = r.u32(s + 36) & ~0x600000;
    if (virtualAddress !== 0 && virtualSize !== 0 && characteristics === INITIALIZED_DATA_READ_WRITE) {
      return { offset: rawOffset, size: Math.min(virtualSize, rawSize) };
    }
  }
  throw new BuildInfoError(name, "not a Go executable (PE without a writable data section)");
}

function findMagic(buf: Buffer, region: Region): number {
  const end = Math.min(buf.length, region.offset + region.size);
  let from = Math.ceil(region.offset / ALIGN) * ALIGN;
  while (from < end) {
    const at = buf.indexOf(MAGIC, from);
    if (at < 0 || at >= end) return -1;
    if (at % ALIGN === 0) return at;
    from = Math.ceil(at / ALIGN) * ALIGN;
  }
  return -1;
}

function readVarBytes(buf: Buffer, offset: number, name: string): { value: Buffer; next: number } {
  let length = 0;
  let shift = 0;
  let at = offset;
  for (;;) {
    const byte = buf[at];
    if (byte === undefined || shift > 49) throw new BuildInfoError(name, "truncated Go build info");
    length += (byte & 0x7f) * 2 ** shift;
    at++;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  if (at + length > buf.length) throw new BuildInfoError(name, "truncated Go build info");
  return { value: buf.subarray(at, at + length), next: at + length };
}

// cmd/go frames the module info with 16-byte binary sentinels (not UTF-8: strip before decoding).
function stripSentinels(mod: Buffer): string {
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) return mod.toString("utf8", 16, mod.length - 16);
  return "";
}

function parseModInfo(text: string, name: string): Omit<GoBuildInfo, "goVersion"> {
  let path = "";
  let main: GoModuleInfo | undefined;
  const deps: GoModuleInfo[] = [];
  const settings: Record<string, string> = {};
  let last: { set: (m: GoModuleInfo) => void; get: () => GoModuleInfo } | undefined;
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    const [kind, ...fields] = line.split("\t");
    const bad = (why: string) => new BuildInfoError(name, `malformed Go build info, line ${index + 1}: ${why}`);
    const module = (): GoModuleInfo => {
      const [p, version, sum] = fields;
      if (p === undefined || version === undefined || fields.length > 3) throw bad("expected 2 or 3 columns");
      return sum === undefined || sum === "" ? { path: p, version } : { path: p, version, sum };
    };
    switch (kind) {
      case "":
        if (fields.length === 0) return;
        throw bad("empty line kind");
      case "path":
        path = fields.join("\t");
        return;
      case "mod": {
        main = module();
        last = { get: () => main as GoModuleInfo, set: (m) => (main = m) };
        return;
      }
      case "dep": {
        const i = deps.push(module()) - 1;
        last = { get: () => deps[i] as GoModuleInfo, set: (m) => (deps[i] = m) };
        return;
      }
      case "=>": {
        if (last === undefined) throw bad("replacement with no module before it");
        if (fields.length !== 3) throw bad("expected 3 columns for a replacement");
        last.set({ ...last.get(), replace: module() });
        last = undefined;
        return;
      }
      case "build": {
        const [key, value] = splitSetting(fields.join("\t"), bad);
        settings[key] = value;
        return;
      }
      default:
        throw bad(`unknown line kind ${JSON.stringify(kind)}`);
    }
  });
  return { path, ...(main === undefined ? {} : { main }), deps, settings };
}

function splitSetting(kv: string, bad: (why: string) => Error): [string, string] {
  let key: string;
  let rest: string;
  if (kv.startsWith('"') || kv.startsWith("`")) {
    const end = quotedPrefixLength(kv);
    if (end < 0) throw bad("invalid quoted key in build line");
    key = unquote(kv.slice(0, end), bad);
    rest = kv.slice(end);
  } else {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw bad("build line missing key or '='");
    key = kv.slice(0, eq);
    rest = kv.slice(eq);
  }
  if (!rest.startsWith("=")) throw bad("build line missing '=' after key");
  const raw = rest.slice(1);
  const value = raw.startsWith('"') || raw.startsWith("`") ? unquote(raw, bad) : raw;
  return [key, value];
}

function quotedPrefixLength(s: string): number {
  const quote = s[0];
  for (let i = 1; i < s.length; i++) {
    if (quote === '"' && s[i] === "\\") {
      i++;
      continue;
    }
    if (s[i] === quote) return i + 1;
  }
  return -1;
}

/** Go's strconv.Unquote for the quotes cmd/go writes (`"…"` with Go escapes, or a raw backquoted string). */
function unquote(s: string, bad: (why: string) => Error): string {
  if (s.length >= 2 && s.startsWith("`") && s.endsWith("`")) return s.slice(1, -1);
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) throw bad(`invalid quoted string ${s}`);
  const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = String.fromCodePoint(body.codePointAt(i) ?? 0);
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"));
      i += c.length - 1;
      continue;
    }
    const e = body[++i] ?? "";
    if (e in simple) {
      bytes.push((simple[e] as string).charCodeAt(0));
    } else if (e === "x") {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === "u" || e === "U") {
      const n = e === "u" ? 4 : 8;
      bytes.push(...Buffer.from(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + n), 16)), "utf8"));
      i += n;
    } else if (/[0-7]/.test(e)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      throw bad(`invalid escape \\${e}`);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
