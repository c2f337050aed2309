#!/usr/bin/env node
// Builds every action: `tsc -b` compiles packages and actions to lib/, then ncc bundles each
// actions/<name>/lib/{index,post}.js into actions/<name>/dist/. With --check, bundles go to a
// temporary folder and any difference from the committed dist/ fails the run (stale bundle).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');

const actionsDir = join(root, 'actions');
const actions = existsSync(actionsDir)
  ? readdirSync(actionsDir).filter((n) => existsSync(join(actionsDir, n, 'action.yml')))
  : [];
const selected = only.length ? actions.filter((a) => only.includes(a)) : actions;

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json'], {
  cwd: root,
  stdio: 'inherit',
});

const stale = [];
for (const action of selected) {
  const dir = join(actionsDir, action);
  const dist = join(dir, 'dist');
  const out = check ? mkdtempSync(join(tmpdir(), `dist-${action}-`)) : dist;
  for (const entry of ['index', 'post']) {
    const input = join(dir, 'lib', `${entry}.js`);
    if (!existsSync(input)) continue;
    const target = entry === 'index' ? out : join(out, '.post');
    execFileSync(
      process.execPath,
      [ncc, 'build', input, '-o', target, '--minify', '--no-source-map-register', '--license', 'licenses.txt', '-q'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (entry === 'post') {
      // ncc always names its output index.js; the post bundle lives beside it as post.js.
      execFileSync('mv', [join(target, 'index.js'), join(out, 'post.js')]);
      rmSync(target, { recursive: true, force: true });
    }
  }
  if (check) {
    const differences = compareTrees(out, dist);
    if (differences.length) stale.push(`${relative(root, dist)}: ${differences.join(', ')}`);
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`${check ? 'checked' : 'built'} actions/${action}/dist`);
}

if (stale.length) {
  console.error(`Stale bundles (run \`pnpm build\` and commit dist/):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}

function compareTrees(built, committed) {
  const a = listFiles(built);
  const b = existsSync(committed) ? listFiles(committed) : [];
  const names = new Set([...a, ...b]);
  const out = [];
  for (const name of [...names].sort()) {
    if (!a.includes(name)) out.push(`${name} is committed but no longer built`);
    else if (!b.includes(name)) out.push(`${name} is missing`);
    else if (!readFileSync(join(built, name)).equals(readFileSync(join(committed, name)))) out.push(`${name} differs`);
  }
  return out;
}

function listFiles(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}
