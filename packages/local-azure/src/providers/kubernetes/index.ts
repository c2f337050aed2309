// The Kubernetes side of local Azure: Arc connected clusters (with the agents' runtime and the
// onboarding admin hooks), AKS managed clusters, and cluster extensions on both.

import type { ResourceProvider } from '../../arm/contract.js';
import { connectedClustersProvider } from './connected-clusters.js';
import { extensionsProvider } from './extensions.js';
import { managedClustersProvider } from './managed-clusters.js';

export { AZUREML_EXTENSION_TYPE, checkAzureMlSettings } from './azureml-extension.js';
export {
  ClusterRuntime,
  type Connectivity,
  type ConnectivityStatus,
  clusterRuntimeFor,
  clusterRuntimes,
  getClusterRuntime,
} from './cluster-runtime.js';
export {
  CONNECTED_CLUSTER_API_VERSIONS,
  connectivityOf,
  newAgentPublicKey,
  readConnectedCluster,
} from './connected-clusters.js';
export { EXTENSION_API_VERSIONS, findAzureMlExtension } from './extensions.js';
export { MANAGED_CLUSTER_API_VERSIONS } from './managed-clusters.js';

/** Microsoft.Kubernetes, Microsoft.ContainerService and Microsoft.KubernetesConfiguration. */
export function kubernetesProviders(): ResourceProvider[] {
  return [connectedClustersProvider(), managedClustersProvider(), extensionsProvider()];
}
