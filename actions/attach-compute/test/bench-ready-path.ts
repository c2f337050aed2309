// Benchmark (not a test): the already-ready path of attach-compute, run as a process the way the
// runner does (cold node start included), against local Azure started in this process.
//
//   node scripts/build-actions.mjs attach-compute
//   node actions/attach-compute/test/bench-ready-path.ts [runs=5]
//
// It attaches AKS cluster aks-ml (AzureML extension installed through the SDK) as compute
// `bench-k8s` once, then runs the same step `runs` times and prints the median wall time and the
// ARM requests of each run. Self-contained (packages only), so Node runs it with type stripping.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { connectToAzure, readSignInSettings } from '@arc-ml/azure';
import { startLocalAzure, type TrafficExchange } from '@arc-ml/local-azure';
import { runActionBundle } from '@arc-ml/test-support';

const runs = Number(process.argv[2] ?? 5);
const stateDir = mkdtempSync(join(tmpdir(), 'bench-attach-compute-'));
const azure = await startLocalAzure({ stateDir, port: 0, delays: 'zero', startAzurite: false, log: () => {} });

function traffic(): TrafficExchange[] {
  return readFileSync(azure.trafficFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TrafficExchange);
}

try {
  setDefaultCACertificates([...getCACertificates('default'), azure.caPem]);
  const signIn = readSignInSettings({ optional: () => undefined }, azure.env);
  const { clients } = await connectToAzure(signIn, {
    userAgent: { version: '0.0.0', action: 'bench' },
    env: azure.env,
  });
  await clients.kubernetesConfiguration().extensions.beginCreateAndWait(
    'arc-ml-rg',
    'Microsoft.ContainerService',
    'managedClusters',
    'aks-ml',
    'azureml',
    {
      extensionType: 'Microsoft.AzureML.Kubernetes',
      configurationSettings: {
        enableTraining: 'True',
        enableInference: 'True',
        allowInsecureConnections: 'True',
        inferenceRouterServiceType: 'LoadBalancer',
      },
    },
    { updateIntervalInMs: 10 },
  );

  const inputs = {
    'resource-group': 'arc-ml-rg',
    workspace: 'mlw-arc',
    'compute-name': 'bench-k8s',
    'cluster-id': `/subscriptions/${azure.subscriptionId}/resourceGroups/arc-ml-rg/providers/Microsoft.ContainerService/managedClusters/aks-ml`,
    namespace: 'azureml',
    'instance-types': 'small: { resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { cpu: 1, memory: 2Gi } } }',
    'default-instance-type': 'small',
  };
  const step = () => runActionBundle({ action: 'attach-compute', inputs, env: azure.env });

  const first = await step();
  if (first.exitCode !== 0 || first.outputs['changed'] !== 'true') {
    throw new Error(`the first run should attach the compute: ${first.failure ?? JSON.stringify(first.outputs)}`);
  }

  const results: { ms: number; arm: number; total: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const before = traffic().length;
    const started = performance.now();
    const run = await step();
    const ms = performance.now() - started;
    if (run.exitCode !== 0 || run.outputs['changed'] !== 'false') {
      throw new Error(`run ${i + 1} was not the ready path: ${run.failure ?? JSON.stringify(run.outputs)}`);
    }
    const exchanges = traffic().slice(before);
    const arm = exchanges.filter((e) => new URL(e.url).pathname.startsWith('/subscriptions/'));
    results.push({ ms, arm: arm.length, total: exchanges.length });
    console.log(
      `run ${i + 1}: ${ms.toFixed(0)} ms, ${arm.length} ARM request(s) [${arm.map((e) => `${e.method} ${e.status}`).join(', ')}], ${exchanges.length} requests to local Azure in all`,
    );
  }
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `attach-compute already-ready path: median ${median.toFixed(0)} ms over ${runs} runs (process start included), ` +
      `${Math.max(...results.map((r) => r.arm))} ARM request(s), ${Math.max(...results.map((r) => r.total))} requests in all (sign-in included)`,
  );
} finally {
  await azure.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
