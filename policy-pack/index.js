// The pack's entry point. Inside the goplatform package (this repository, or
// node_modules/goplatform once installed) it runs the compiled pack next to it; a pack
// published on its own (`pulumi policy publish`) gets it from its goplatform dependency.
"use strict";
let pack;
try {
  pack = require.resolve("../dist/policies/pack.js");
} catch {
  pack = require.resolve("goplatform/policies/pack");
}
require(pack);
