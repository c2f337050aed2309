// Benchmark (not a test): connect-arc's already-ready path — the nightly case, a cluster that is
// already Connected — run as a process the way the runner runs it (cold Node start included),
// against local Azure in this process. Prints each run's wall time and request counts, then the
// median. Needs the built bundle and packages:
//
//   node scripts/build-actions.mjs connect-arc && node actions/connect-arc/test/bench-ready-path.ts [runs]

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type LocalAzureConfig, startLocalAzure } from '@arc-ml/local-azure';
import { runActionBundle } from '@arc-ml/test-support';

const runs = Number(process.argv[2] ?? 5);
const CLUSTER = 'arc-k3s';
const stateDir = mkdtempSync(join(tmpdir(), 'bench-connect-arc-'));
const config: LocalAzureConfig = {
  ...DEFAULT_CONFIG,
  clusters: DEFAULT_CONFIG.clusters.map((c) => (c.name === CLUSTER ? { ...c, connected: true } : c)),
};
const la = await startLocalAzure({ stateDir, port: 0, delays: 'zero', startAzurite: false, config, log: () => {} });

interface Sample {
  readonly ms: number;
  readonly arm: number;
  readonly http: number;
}

const lines = () =>
  existsSync(la.trafficFile) ? readFileSync(la.trafficFile, 'utf8').split('\n').filter(Boolean) : [];
const samples: Sample[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const before = lines().length;
    const started = performance.now();
    const result = await runActionBundle({
      action: 'connect-arc',
      inputs: { 'resource-group': 'arc-ml-rg', 'cluster-name': CLUSTER },
      env: la.env,
    });
    const ms = performance.now() - started;
    if (result.exitCode !== 0 || result.outputs['changed'] !== 'false') {
      throw new Error(`run ${i + 1} did not take the ready path: ${result.failure ?? JSON.stringify(result.outputs)}`);
    }
    const traffic = lines()
      .slice(before)
      .map((line) => new URL((JSON.parse(line) as { url: string }).url).pathname);
    const sample = {
      ms,
      arm: traffic.filter((path) => path.startsWith('/subscriptions')).length,
      http: traffic.length,
    };
    samples.push(sample);
    console.log(
      `run ${i + 1}: ${sample.ms.toFixed(0)} ms, ${sample.arm} ARM request(s), ${sample.http} HTTP request(s) in all`,
    );
  }
} finally {
  await la.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
const arm = Math.max(...samples.map((s) => s.arm));
console.log(
  `connect-arc already-ready path: median ${median.toFixed(0)} ms over ${samples.length} runs (cold process start included), ${arm} ARM request(s) per run`,
);
