// What install-azureml-extension's integration tests add to the shared local Azure harness: its
// clusters' names, an extension install that takes a moment (so progress shows), and runs whose
// `arm` also counts the cloud discovery each run starts with ("before any Azure request").

import { clusterExtensionId } from '@arc-ml/azure';
import type { LocalAzureConfig } from '@arc-ml/local-azure';
import {
  type ActionTestAzure,
  type ActionTestRun,
  isArmRequest,
  isCloudDiscovery,
  startActionTestAzure,
} from '@arc-ml/test-support';

export const ACTION = 'install-azureml-extension';
export const RG = 'arc-ml-rg';
export const ARC = 'arc-k3s';
export const AKS = 'aks-ml';

/** The id of the AzureML extension (named `azureml`, as the action names it by default) on a cluster. */
export function extensionId(clusterId: string): string {
  return clusterExtensionId(clusterId, 'azureml');
}

export interface Harness extends ActionTestAzure {
  /** Runs the built action; `arm` holds the cloud discovery and the Resource Manager requests. */
  run(inputs: Readonly<Record<string, string>>): Promise<ActionTestRun>;
}

export async function startHarness(config?: LocalAzureConfig): Promise<Harness> {
  const azure = await startActionTestAzure({
    label: ACTION,
    actions: [ACTION],
    delays: { connectivity: 0, extension: 200, resource: 0, resourceGroup: 0 },
    ...(config ? { config } : {}),
  });
  return {
    ...azure,
    async run(inputs) {
      const result = await azure.runAction(ACTION, inputs, { timeoutMs: 90_000 });
      return { ...result, arm: result.traffic.filter((t) => isCloudDiscovery(t) || isArmRequest(t)) };
    },
  };
}
