// Local Azure for the integration tests and the benchmark: started in-process in a temp state dir,
// with an Arc cluster onboarded through the SDK (connected cluster PUT with a generated RSA key, then
// its agents started through the admin API) and the AzureML extension installed on it and on AKS.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { type AzureClients, connectToAzure, readSignInSettings } from '@arc-ml/azure';
import {
  type ClusterConfig,
  DEFAULT_CONFIG,
  type LocalAzure,
  type LocalAzureConfig,
  startLocalAzure,
  type TrafficExchange,
} from '@arc-ml/local-azure';
import { REPO_ROOT } from '@arc-ml/test-support';

export const RG = 'arc-ml-rg';
export const WORKSPACE = 'mlw-arc';

const baseCluster = DEFAULT_CONFIG.clusters.find((c) => c.kind === 'arc')!;

/** Clusters next to the default ones: connected but without the AzureML extension, one to take offline, one AKS whose extension fails. */
const EXTRA_CLUSTERS: ClusterConfig[] = [
  { ...baseCluster, name: 'arc-bare', connected: true },
  { ...baseCluster, name: 'arc-down', connected: true },
  { ...DEFAULT_CONFIG.clusters.find((c) => c.kind === 'aks')!, name: 'aks-broken' },
];

export const CONFIG: LocalAzureConfig = {
  ...DEFAULT_CONFIG,
  clusters: [...DEFAULT_CONFIG.clusters, ...EXTRA_CLUSTERS],
};

/** No provisioning delays but a short one for computes, so attach and detach show their progress. */
const DELAYS = {
  default: 0,
  connectivity: 0,
  extension: 0,
  compute: 100,
  resource: 0,
  resourceGroup: 0,
  endpoint: 0,
  deployment: 0,
};

export interface TestAzure {
  readonly azure: LocalAzure;
  readonly clients: AzureClients;
  readonly subscriptionId: string;
  clusterId(kind: 'arc' | 'aks', name: string): string;
  /** Every exchange recorded so far. */
  traffic(): TrafficExchange[];
  stop(): Promise<void>;
}

export async function startTestAzure(): Promise<TestAzure> {
  const bundle = join(REPO_ROOT, 'actions/attach-compute/dist/index.js');
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: build it first with node scripts/build-actions.mjs attach-compute`);
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'attach-compute-it-'));
  const azure = await startLocalAzure({
    stateDir,
    port: 0,
    config: CONFIG,
    delays: DELAYS,
    startAzurite: false,
    log: () => {},
  });
  try {
    trust(azure.caPem);
    const signIn = readSignInSettings({ optional: () => undefined }, azure.env);
    const { clients } = await connectToAzure(signIn, {
      userAgent: { version: '0.0.0', action: 'attach-compute-tests' },
      env: azure.env,
    });
    const testAzure: TestAzure = {
      azure,
      clients,
      subscriptionId: azure.subscriptionId,
      clusterId: (kind, name) =>
        `/subscriptions/${azure.subscriptionId}/resourceGroups/${RG}/providers/${kind === 'arc' ? 'Microsoft.Kubernetes/connectedClusters' : 'Microsoft.ContainerService/managedClusters'}/${name}`,
      traffic: () => readTraffic(azure.trafficFile),
      stop: async () => {
        await azure.stop();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
    await prepareClusters(testAzure);
    return testAzure;
  } catch (error) {
    await azure.stop();
    throw error;
  }
}

const AZUREML_SETTINGS = {
  enableTraining: 'True',
  enableInference: 'True',
  allowInsecureConnections: 'True',
  inferenceRouterServiceType: 'LoadBalancer',
};

async function prepareClusters({ azure, clients }: TestAzure): Promise<void> {
  const poll = { updateIntervalInMs: 10 };
  const agentKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ format: 'der', type: 'pkcs1' })
    .toString('base64');
  await clients.connectedClusters().connectedClusterOperations.beginCreateAndWait(
    RG,
    'arc-k3s',
    {
      location: azure.config.location,
      identity: { type: 'SystemAssigned' },
      agentPublicKeyCertificate: agentKey,
      distribution: 'k3s',
      infrastructure: 'generic',
    },
    poll,
  );
  await azure.admin.request('POST', '/clusters/arc-k3s/agents', { running: true });
  await azure.admin.request('POST', '/clusters/arc-down/connectivity', { status: 'Offline' });

  const extensions = clients.kubernetesConfiguration().extensions;
  const azureMl = (settings: Record<string, string>) => ({
    extensionType: 'Microsoft.AzureML.Kubernetes',
    releaseTrain: 'stable',
    configurationSettings: settings,
  });
  await extensions.beginCreateAndWait(
    RG,
    'Microsoft.Kubernetes',
    'connectedClusters',
    'arc-k3s',
    'azureml',
    azureMl(AZUREML_SETTINGS),
    poll,
  );
  await extensions.beginCreateAndWait(
    RG,
    'Microsoft.ContainerService',
    'managedClusters',
    'aks-ml',
    'azureml',
    azureMl(AZUREML_SETTINGS),
    poll,
  );
  // Neither training nor inference: the install ends Failed, as the real extension's pre-install check does.
  await extensions
    .beginCreateAndWait(
      RG,
      'Microsoft.ContainerService',
      'managedClusters',
      'aks-broken',
      'azureml',
      azureMl({ enableTraining: 'False', enableInference: 'False' }),
      poll,
    )
    .then(
      () => {
        throw new Error('the AzureML extension on aks-broken was expected to fail');
      },
      () => undefined,
    );
}

/** Adds local Azure's CA to what this process trusts (Node 24), for the SDK calls the tests make. */
function trust(caPem: string): void {
  const current = getCACertificates('default');
  if (!current.includes(caPem)) setDefaultCACertificates([...current, caPem]);
}

function readTraffic(file: string): TrafficExchange[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TrafficExchange);
}

/** Resource Manager requests (paths under /subscriptions/), not sign-in or metadata. */
export function armRequests(exchanges: readonly TrafficExchange[]): TrafficExchange[] {
  return exchanges.filter((exchange) => new URL(exchange.url).pathname.startsWith('/subscriptions/'));
}

/** Requests that change something in Azure. */
export function armWrites(exchanges: readonly TrafficExchange[]): TrafficExchange[] {
  return armRequests(exchanges).filter((exchange) => ['PUT', 'PATCH', 'DELETE', 'POST'].includes(exchange.method));
}

/** `METHOD /path/after/the/workspace` for readable assertions. */
export function describeExchange(exchange: TrafficExchange): string {
  const url = new URL(exchange.url);
  const path = url.pathname
    .replace(/^.*\/workspaces\/[^/]+/, '')
    .replace(/^\/subscriptions\/[^/]+\/providers/, '/providers');
  const action = url.searchParams.get('underlyingResourceAction');
  return `${exchange.method} ${path}${action ? `?underlyingResourceAction=${action}` : ''} ${exchange.status}`;
}
