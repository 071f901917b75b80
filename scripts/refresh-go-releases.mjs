#!/usr/bin/env node
// Refreshes components/go/release-data.json from the Go module proxy: adds every
// patch release and prerelease of golang.org/toolchain the proxy publishes beyond
// what the table has (release day = the proxy's publication time), for the known
// lines and the next two. New patches get `security: null` (unclassified, which the
// patch floor treats as a security release) until someone classifies them from the
// Go release history. Run by hand: node scripts/refresh-go-releases.mjs
import { readFile, writeFile } from "node:fs/promises";

const file = new URL("../components/go/release-data.json", import.meta.url);
const proxy = (process.env.GOPROXY ?? "https://proxy.golang.org").split(/[,|]/)[0].replace(/\/$/, "");

async function published(version) {
  const url = `${proxy}/golang.org/toolchain/@v/v0.0.1-go${version}.linux-amd64.info`;
  const response = await fetch(url);
  if (!response.ok) return undefined;
  const info = await response.json();
  return String(info.Time).slice(0, 10);
}

const table = JSON.parse(await readFile(file, "utf8"));
const lastMinor = Math.max(...table.lines.map((l) => Number(l.line.split(".")[1])));
for (let minor = lastMinor + 1; minor <= lastMinor + 2; minor++) {
  table.lines.push({ line: `1.${minor}`, prereleases: [], patches: [] });
}
let added = 0;
for (const line of table.lines) {
  for (let rc = line.prereleases.length + 1; line.patches.length === 0; rc++) {
    const date = await published(`${line.line}rc${rc}`);
    if (date === undefined) break;
    line.prereleases.push({ version: `${line.line}rc${rc}`, date });
    added++;
  }
  for (let patch = line.patches.length; ; patch++) {
    const date = await published(`${line.line}.${patch}`);
    if (date === undefined) break;
    line.patches.push({ version: `${line.line}.${patch}`, date, security: patch === 0 ? false : null });
    added++;
  }
}
table.lines = table.lines.filter((l) => l.patches.length > 0);
table.asOf = new Date().toISOString().slice(0, 10);
const json = JSON.stringify(table, null, 2)
  .replace(/\{\n\s+("version": "[^"]+"),\n\s+("date": "[^"]+"),\n\s+("security": \w+)\n\s+\}/g, "{ $1, $2, $3 }")
  .replace(/\{\n\s+("version": "[^"]+"),\n\s+("date": "[^"]+")\n\s+\}/g, "{ $1, $2 }");
await writeFile(file, `${json}\n`);
console.log(`release table: ${added} release(s) added, as of ${table.asOf}`);
