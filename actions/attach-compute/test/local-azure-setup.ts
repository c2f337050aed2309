// What attach-compute's integration tests add to the shared local Azure harness: clusters in every
// state the action checks (ready, without the AzureML extension, Offline, with a Failed
// extension), a compute delay so attach and detach show their progress, and readable exchanges.
import type { TrafficExchange } from '@arc-ml/local-azure';
import { type ClusterConfig, DEFAULT_CONFIG, type LocalAzureConfig } from '@arc-ml/local-azure';
import { type ActionTestAzure, startActionTestAzure } from '@arc-ml/test-support';

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
const DELAYS = { compute: 100 };

const AZUREML_SETTINGS = {
  enableTraining: 'True',
  enableInference: 'True',
  allowInsecureConnections: 'True',
  inferenceRouterServiceType: 'LoadBalancer',
};

export async function startTestAzure(): Promise<ActionTestAzure> {
  const local = await startActionTestAzure({
    label: 'attach-compute-it',
    actions: ['attach-compute'],
    config: CONFIG,
    delays: DELAYS,
  });
  try {
    await local.onboardArcCluster('arc-k3s');
    await local.azure.admin.request('POST', '/clusters/arc-down/connectivity', { status: 'Offline' });
    await local.installAzureMlExtension(local.clusterId('connected', 'arc-k3s'), AZUREML_SETTINGS);
    await local.installAzureMlExtension(local.clusterId('managed', 'aks-ml'), AZUREML_SETTINGS);
    // Neither training nor inference: the install ends Failed, as the real extension's pre-install check does.
    await local
      .installAzureMlExtension(local.clusterId('managed', 'aks-broken'), {
        enableTraining: 'False',
        enableInference: 'False',
      })
      .then(
        () => {
          throw new Error('the AzureML extension on aks-broken was expected to fail');
        },
        () => undefined,
      );
    return local;
  } catch (error) {
    await local.stop();
    throw error;
  }
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
