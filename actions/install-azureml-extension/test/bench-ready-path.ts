// Benchmark (not a test): the already-ready path of install-azureml-extension, run as a process
// the way the runner runs it (cold start included), against local Azure in this process.
// Median wall time of 5 runs and ARM requests per run, for the Arc cluster and the AKS cluster.
//
//   node scripts/build-actions.mjs install-azureml-extension
//   node actions/install-azureml-extension/test/bench-ready-path.ts [runs]

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { startLocalAzure } from '@arc-ml/local-azure';
import { runActionBundle } from '@arc-ml/test-support';

const ACTION = 'install-azureml-extension';
const RUNS = Number(process.argv[2] ?? 5);

const stateDir = mkdtempSync(join(tmpdir(), 'bench-install-azureml-extension-'));
const azure = await startLocalAzure({ stateDir, port: 0, startAzurite: false, delays: 'zero', log: () => {} });
setDefaultCACertificates([...getCACertificates('default'), azure.caPem]);

const sub = azure.subscriptionId;
const arcId = `/subscriptions/${sub}/resourceGroups/arc-ml-rg/providers/Microsoft.Kubernetes/connectedClusters/arc-k3s`;
const aksId = `/subscriptions/${sub}/resourceGroups/arc-ml-rg/providers/Microsoft.ContainerService/managedClusters/aks-ml`;

function trafficLines(): string[] {
  return readFileSync(azure.trafficFile, 'utf8').split('\n').filter(Boolean);
}

async function onboardArc(): Promise<void> {
  const token = await azure.admin.mintAccessToken();
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ format: 'der', type: 'pkcs1' })
    .toString('base64');
  const response = await fetch(`${azure.armEndpoint}${arcId}?api-version=2021-10-01`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      location: azure.config.location,
      identity: { type: 'SystemAssigned' },
      properties: { agentPublicKeyCertificate: key, distribution: 'k3s', infrastructure: 'generic' },
    }),
  });
  if (!response.ok) throw new Error(`onboarding arc-k3s: ${response.status} ${await response.text()}`);
  await azure.admin.request('POST', '/clusters/arc-k3s/agents', { running: true });
}

async function runOnce(clusterId: string) {
  const before = trafficLines().length;
  const started = performance.now();
  const result = await runActionBundle({
    action: ACTION,
    env: azure.env,
    inputs: {
      'cluster-id': clusterId,
      'inference-router-service-type': 'LoadBalancer',
      'allow-insecure-connections': 'true',
      'inference-router-ha': 'false',
    },
  });
  const wallMs = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`${ACTION} failed: ${result.failure ?? result.stderr}`);
  const exchanges = trafficLines()
    .slice(before)
    .map((line) => JSON.parse(line) as { method: string; url: string });
  const arm = exchanges.filter((e) => /^\/(subscriptions|metadata)\//i.test(new URL(e.url).pathname));
  return { wallMs, changed: result.outputs['changed'], arm: arm.length, all: exchanges.length, armCalls: arm };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

try {
  await onboardArc();
  for (const [label, id] of [
    ['Arc (arc-k3s)', arcId],
    ['AKS (aks-ml)', aksId],
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
  await azure.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
