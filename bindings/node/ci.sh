#!/usr/bin/env bash
# Builds the Node addon (one release build) and runs its tests. Needs Rust
# stable, Node 20+ and npm; everything else comes from package-lock.json
# into node_modules.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run build
npm test
