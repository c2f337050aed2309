// Benchmark (not a test): the already-ready path of attach-compute, run as a process the way the
// runner does (cold node start included), against local Azure started in this process.
//
//   node scripts/build-actions.mjs attach-compute
//   node bench/attach-compute-ready-path.ts [runs=5]
//
// It attaches AKS cluster aks-ml (AzureML extension installed through the SDK) as compute
// `bench-k8s` once, then runs the same step `runs` times and prints the median wall time and the
// ARM requests of each run. Self-contained (packages only), so Node runs it with type stripping.
import { startActionTestAzure } from '@arc-ml/test-support';

const runs = Number(process.argv[2] ?? 5);
const local = await startActionTestAzure({ label: 'bench-attach-compute', actions: ['attach-compute'] });

try {
  const clusterId = local.clusterId('managed', 'aks-ml');
  await local.installAzureMlExtension(clusterId, {
    enableTraining: 'True',
    enableInference: 'True',
    allowInsecureConnections: 'True',
    inferenceRouterServiceType: 'LoadBalancer',
  });

  const inputs = {
    'resource-group': 'arc-ml-rg',
    workspace: 'mlw-arc',
    'compute-name': 'bench-k8s',
    'cluster-id': clusterId,
    namespace: 'azureml',
    'instance-types': 'small: { resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { cpu: 1, memory: 2Gi } } }',
    'default-instance-type': 'small',
  };
  const step = () => local.runAction('attach-compute', inputs);

  const first = await step();
  if (first.exitCode !== 0 || first.outputs['changed'] !== 'true') {
    throw new Error(`the first run should attach the compute: ${first.failure ?? JSON.stringify(first.outputs)}`);
  }

  const results: { ms: number; arm: number; total: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const run = await step();
    const ms = performance.now() - started;
    if (run.exitCode !== 0 || run.outputs['changed'] !== 'false') {
      throw new Error(`run ${i + 1} was not the ready path: ${run.failure ?? JSON.stringify(run.outputs)}`);
    }
    results.push({ ms, arm: run.arm.length, total: run.traffic.length });
    console.log(
      `run ${i + 1}: ${ms.toFixed(0)} ms, ${run.arm.length} ARM request(s) [${run.arm.map((e) => `${e.method} ${e.status}`).join(', ')}], ${run.traffic.length} requests to local Azure in all`,
    );
  }
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `attach-compute already-ready path: median ${median.toFixed(0)} ms over ${runs} runs (process start included), ` +
      `${Math.max(...results.map((r) => r.arm))} ARM request(s), ${Math.max(...results.map((r) => r.total))} requests in all (sign-in included)`,
  );
} finally {
  await local.stop();
}
