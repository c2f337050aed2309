// Integration-test support: local Azure in this process (port 0, a temp state dir, small delays),
// the built bundle run as the runner runs it, and the traffic each run produced.

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { type LocalAzure, type LocalAzureConfig, startLocalAzure, type TrafficExchange } from '@arc-ml/local-azure';
import { type ActionRunResult, REPO_ROOT, runActionBundle } from '@arc-ml/test-support';

export const ACTION = 'install-azureml-extension';
export const RG = 'arc-ml-rg';
export const ARC = 'arc-k3s';
export const AKS = 'aks-ml';

export interface RunResult extends ActionRunResult {
  /** Every exchange local Azure recorded while the action ran. */
  readonly traffic: readonly TrafficExchange[];
  /** The ARM ones among them (including the cloud metadata discovery, which goes to the ARM host). */
  readonly arm: readonly TrafficExchange[];
  /** ARM requests that change something. */
  readonly writes: readonly TrafficExchange[];
}

export interface Harness {
  readonly azure: LocalAzure;
  readonly subscriptionId: string;
  clusterId(kind: 'connected' | 'managed', name: string, resourceGroup?: string): string;
  extensionId(clusterId: string, name?: string): string;
  /** Runs the built action with the sign-in environment of local Azure plus `inputs`. */
  run(inputs: Readonly<Record<string, string>>): Promise<RunResult>;
  /** Onboards an Arc cluster as `az connectedk8s connect` would: PUT with an RSA key, then its agents start. */
  connectArc(name: string): Promise<void>;
  /** A direct ARM request with a minted token (test setup and inspection only). */
  arm(method: string, path: string, body?: unknown, apiVersion?: string): Promise<{ status: number; body: unknown }>;
  trafficSince(mark: number): TrafficExchange[];
  trafficCount(): number;
  stop(): Promise<void>;
}

export function bundleBuilt(): boolean {
  return existsSync(join(REPO_ROOT, 'actions', ACTION, 'dist', 'index.js'));
}

export async function startHarness(config?: LocalAzureConfig): Promise<Harness> {
  const stateDir = mkdtempSync(join(tmpdir(), 'install-azureml-extension-'));
  const azure = await startLocalAzure({
    stateDir,
    port: 0,
    startAzurite: false,
    delays: { connectivity: 0, extension: 200, resource: 0, resourceGroup: 0 },
    log: () => {},
    ...(config ? { config } : {}),
  });
  const current = getCACertificates('default');
  if (!current.includes(azure.caPem)) setDefaultCACertificates([...current, azure.caPem]);
  const subscriptionId = azure.subscriptionId;

  const readTraffic = (): TrafficExchange[] =>
    existsSync(azure.trafficFile)
      ? readFileSync(azure.trafficFile, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as TrafficExchange)
      : [];

  const arm = async (method: string, path: string, body?: unknown, apiVersion?: string) => {
    const token = await azure.admin.mintAccessToken();
    const url = new URL(path, azure.armEndpoint);
    if (apiVersion) url.searchParams.set('api-version', apiVersion);
    const response = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  const clusterId = (kind: 'connected' | 'managed', name: string, resourceGroup = RG) =>
    kind === 'connected'
      ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Kubernetes/connectedClusters/${name}`
      : `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;

  return {
    azure,
    subscriptionId,
    clusterId,
    extensionId: (cluster, name = 'azureml') =>
      `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
    async run(inputs) {
      const mark = readTraffic().length;
      const result = await runActionBundle({ action: ACTION, inputs, env: azure.env, timeoutMs: 90_000 });
      const traffic = readTraffic().slice(mark);
      const armTraffic = traffic.filter((t) => /^\/(subscriptions|metadata)\//i.test(new URL(t.url).pathname));
      return {
        ...result,
        traffic,
        arm: armTraffic,
        writes: armTraffic.filter((t) => ['PUT', 'PATCH', 'DELETE', 'POST'].includes(t.method)),
      };
    },
    async connectArc(name) {
      const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .publicKey.export({ format: 'der', type: 'pkcs1' })
        .toString('base64');
      const put = await arm(
        'PUT',
        clusterId('connected', name),
        {
          location: azure.config.location,
          identity: { type: 'SystemAssigned' },
          properties: { agentPublicKeyCertificate: key, distribution: 'k3s', infrastructure: 'generic' },
        },
        '2021-10-01',
      );
      if (put.status >= 300) throw new Error(`onboarding ${name} failed: ${put.status} ${JSON.stringify(put.body)}`);
      await azure.admin.request('POST', `/clusters/${name}/agents`, { running: true });
    },
    arm,
    trafficSince: (mark) => readTraffic().slice(mark),
    trafficCount: () => readTraffic().length,
    async stop() {
      await azure.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** stdout without the runner's `::add-mask::` commands (the only place a secret may appear). */
export function visibleLog(result: ActionRunResult): string {
  return result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
