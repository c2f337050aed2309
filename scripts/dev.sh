#!/usr/bin/env bash
# Entry for the README's commands on any machine: ensures the toolchain and dependencies, then
# runs the named pnpm script. `npm test` works with the machine's older Node because of this.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh
stamp=node_modules/.install-stamp
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ]; then
  pnpm install --frozen-lockfile --reporter=append-only
  touch "$stamp"
fi
exec pnpm run "$@"
