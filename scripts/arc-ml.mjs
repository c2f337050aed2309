#!/usr/bin/env node
// `pnpm arc-ml …`: compiles packages/local-azure (quick when it is up to date), then runs its CLI
// (`arc-ml local up|down|status`). Build output goes to stderr so stdout stays the CLI's own.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const build = spawnSync(process.execPath, [tsc, '-b', 'packages/local-azure'], {
  cwd: root,
  stdio: ['ignore', process.stderr, process.stderr],
});
if (build.status !== 0) {
  process.stderr.write('arc-ml: compiling packages/local-azure failed (see above)\n');
  process.exit(build.status ?? 1);
}
const cli = spawnSync(
  process.execPath,
  [join(root, 'packages/local-azure/lib/cli/main.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, INIT_CWD: process.env.INIT_CWD ?? process.cwd() },
  },
);
process.exit(cli.status ?? 1);
