# Sourced by the project's scripts: puts the project's own tools first on PATH
# (the Node.js >= 22 that setup.sh installed, tsc, mocha, eslint).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/.bin:$PATH"
