// The pack's entry point. This directory is a package of its own: its package.json
// depends on goplatform at exactly goplatform's own version, and the rules come from
// that dependency (`goplatform/policies/pack`). So a copy of this directory alone —
// what `pulumi policy publish` uploads, installed with `npm install` — runs the same
// compiled policies, release table included, as the library's `checkResources`, and
// nothing is generated into this directory that could drift from them. Installed
// under node_modules/goplatform/policy-pack, the same lookup finds the enclosing
// goplatform package. Only in goplatform's own checkout, where goplatform is not a
// dependency, does it fall back to the compiled output next door (../dist).
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

// This directory (module.filename rather than __dirname, which the lint config does not declare).
const here = path.dirname(module.filename);

function entry() {
  try {
    return require.resolve("goplatform/policies/pack");
  } catch (err) {
    const checkout = path.join(here, "..");
    let name;
    try {
      name = JSON.parse(readFileSync(path.join(checkout, "package.json"), "utf8")).name;
    } catch {
      name = undefined;
    }
    if (name !== "goplatform") {
      throw new Error(`goplatform's policy pack needs its goplatform dependency: run \`npm install\` in ${here} (${err.message})`, { cause: err });
    }
    return path.join(checkout, "dist", "policies", "pack.js");
  }
}

require(entry());
