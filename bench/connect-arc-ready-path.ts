// Benchmark (not a test): connect-arc's already-ready path — the nightly case, a cluster that is
// already Connected — run as a process the way the runner runs it (cold Node start included),
// against local Azure in this process. Prints each run's wall time and request counts, then the
// median. Needs the built bundle and packages:
//
//   node scripts/build-actions.mjs connect-arc && node bench/connect-arc-ready-path.ts [runs]

import { DEFAULT_CONFIG } from '@arc-ml/local-azure';
import { startActionTestAzure } from '@arc-ml/test-support';

const runs = Number(process.argv[2] ?? 5);
const CLUSTER = 'arc-k3s';
const local = await startActionTestAzure({
  label: 'bench-connect-arc',
  actions: ['connect-arc'],
  config: {
    ...DEFAULT_CONFIG,
    clusters: DEFAULT_CONFIG.clusters.map((c) => (c.name === CLUSTER ? { ...c, connected: true } : c)),
  },
});

interface Sample {
  readonly ms: number;
  readonly arm: number;
  readonly http: number;
}

const samples: Sample[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = await local.runAction('connect-arc', { 'resource-group': 'arc-ml-rg', 'cluster-name': CLUSTER });
    const ms = performance.now() - started;
    if (result.exitCode !== 0 || result.outputs['changed'] !== 'false') {
      throw new Error(`run ${i + 1} did not take the ready path: ${result.failure ?? JSON.stringify(result.outputs)}`);
    }
    const sample = { ms, arm: result.arm.length, http: result.traffic.length };
    samples.push(sample);
    console.log(
      `run ${i + 1}: ${sample.ms.toFixed(0)} ms, ${sample.arm} ARM request(s), ${sample.http} HTTP request(s) in all`,
    );
  }
} finally {
  await local.stop();
}

const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
const arm = Math.max(...samples.map((s) => s.arm));
console.log(
  `connect-arc already-ready path: median ${median.toFixed(0)} ms over ${samples.length} runs (cold process start included), ${arm} ARM request(s) per run`,
);
