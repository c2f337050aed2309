// Local Azure plays the Azure CLI's part for its own clusters: `writeAzShim(binDir)` writes an
// executable `az` into binDir that runs this folder's compiled main.js with the current Node, so
// a test (or `arc-ml local up`) prepends binDir to PATH and actions run `az` unchanged.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../env-file.js';

export { type AzIo, COMMANDS } from './commands.js';
export { runAz } from './main.js';

/** The compiled shim module: packages/local-azure/lib/az-cli/main.js (from src/ or lib/ alike). */
export function azShimModule(): string {
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(packageRoot, 'lib', 'az-cli', 'main.js');
}

/**
 * Writes `binDir/az` (a POSIX sh launcher) and returns its path. The launcher needs the compiled
 * shim; when it is not built yet, `az` says how to build it and exits 1.
 */
export function writeAzShim(binDir: string): string {
  const main = azShimModule();
  mkdirSync(binDir, { recursive: true });
  const file = join(binDir, 'az');
  const script = [
    '#!/bin/sh',
    "# Local Azure's az shim (packages/local-azure/src/az-cli), written by writeAzShim().",
    `main=${shellQuote(main)}`,
    'if [ ! -f "$main" ]; then',
    '  echo "ERROR: local Azure\'s az shim is not built ($main); run: pnpm exec tsc -b packages/local-azure" >&2',
    '  exit 1',
    'fi',
    `exec ${shellQuote(process.execPath)} "$main" "$@"`,
    '',
  ].join('\n');
  writeFileSync(file, script, { mode: 0o755 });
  chmodSync(file, 0o755);
  return file;
}
