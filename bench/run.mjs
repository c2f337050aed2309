#!/usr/bin/env node
// `pnpm run bench`: every benchmark in this folder, one after another (they share 2 cores badly),
// each printing its own medians. Record what they print in BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const here = import.meta.dirname;
const runs = process.argv[2] ?? '5';
const benches = [
  ['local Azure: up, GET, PUT', 'local-azure.bench.mjs', ['--runs', runs]],
  ['connect-arc: already-ready path', 'connect-arc-ready-path.ts', [runs]],
  ['install-azureml-extension: already-ready path', 'install-azureml-extension-ready-path.ts', [runs]],
  ['attach-compute: already-ready path', 'attach-compute-ready-path.ts', [runs]],
];

let failed = false;
for (const [title, file, args] of benches) {
  console.log(`\n## ${title}\n`);
  const result = spawnSync(process.execPath, [join(here, file), ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed = true;
    console.error(`${file} failed (exit ${result.status})`);
  }
}
process.exit(failed ? 1 : 0);
