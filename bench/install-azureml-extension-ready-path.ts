// Benchmark (not a test): the already-ready path of install-azureml-extension, run as a process
// the way the runner runs it (cold start included), against local Azure in this process.
// Median wall time of 5 runs and ARM requests per run, for the Arc cluster and the AKS cluster.
//
//   node scripts/build-actions.mjs install-azureml-extension
//   node bench/install-azureml-extension-ready-path.ts [runs]

import { isArmRequest, isCloudDiscovery, startActionTestAzure } from '@arc-ml/test-support';

const ACTION = 'install-azureml-extension';
const RUNS = Number(process.argv[2] ?? 5);

const local = await startActionTestAzure({ label: `bench-${ACTION}`, actions: [ACTION] });

async function runOnce(clusterId: string) {
  const started = performance.now();
  const result = await local.runAction(ACTION, {
    'cluster-id': clusterId,
    'inference-router-service-type': 'LoadBalancer',
    'allow-insecure-connections': 'true',
    'inference-router-ha': 'false',
  });
  const wallMs = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`${ACTION} failed: ${result.failure ?? result.stderr}`);
  const arm = result.traffic.filter((e) => isCloudDiscovery(e) || isArmRequest(e));
  return { wallMs, changed: result.outputs['changed'], arm: arm.length, all: result.traffic.length, armCalls: arm };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

try {
  await local.onboardArcCluster('arc-k3s');
  for (const [label, id] of [
    ['Arc (arc-k3s)', local.clusterId('connected', 'arc-k3s')],
    ['AKS (aks-ml)', local.clusterId('managed', 'aks-ml')],
  ] as const) {
    const first = await runOnce(id); // installs; not measured
    if (first.changed !== 'true') throw new Error(`expected the first run to install on ${label}`);
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runOnce(id));
    if (runs.some((r) => r.changed !== 'false')) throw new Error(`a ready-path run changed something on ${label}`);
    const walls = runs.map((r) => r.wallMs);
    console.log(
      `${label}: median ${median(walls).toFixed(0)} ms over ${RUNS} runs (${walls.map((w) => w.toFixed(0)).join(', ')} ms); ` +
        `ARM requests per run ${runs.map((r) => r.arm).join(', ')}; all requests (with sign-in) ${runs.map((r) => r.all).join(', ')}`,
    );
    for (const call of runs[0]!.armCalls) console.log(`    ${call.method} ${new URL(call.url).pathname}`);
  }
} finally {
  await local.stop();
}
