// How a kubeconfig reaches a declared cluster: its API server on local Azure's host
// (`{base}/kubernetes/{resourceGroup}/{clusterName}`), local Azure's CA, and a bearer token that
// names the cluster. Local Azure writes one for every declared cluster (DIR/kubeconfigs/{name}).

import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterConfig, LocalAzureConfig } from './config/types.js';

/** Where the clusters' API servers live on local Azure's host. */
export const KUBERNETES_API_PREFIX = '/kubernetes';

/** The API server URL of a cluster: the `server` of its kubeconfig. */
export function kubernetesApiServer(baseUrl: string, cluster: ClusterConfig): string {
  return `${baseUrl}${KUBERNETES_API_PREFIX}/${cluster.resourceGroup}/${cluster.name}`;
}

/** The token in a cluster's kubeconfig: it names the cluster (base64url of its resource id). */
export function clusterToken(config: LocalAzureConfig, cluster: ClusterConfig): string {
  const id = `/subscriptions/${config.subscriptionId}/resourceGroups/${cluster.resourceGroup}/clusters/${cluster.name}`;
  return `arc-ml-local.${Buffer.from(id).toString('base64url')}`;
}

/** The cluster a kubeconfig token names, or undefined when it is not one of ours. */
export function clusterFromToken(
  token: string,
): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const match = /^arc-ml-local\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match?.[1]) return undefined;
  const parts = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/clusters\/([^/]+)$/.exec(
    Buffer.from(match[1], 'base64url').toString('utf8'),
  );
  return parts ? { subscriptionId: parts[1]!, resourceGroup: parts[2]!, name: parts[3]! } : undefined;
}

/** The kubeconfig (YAML) of a declared cluster: one cluster, one user with its token, one context. */
export function kubeconfigYaml(
  baseUrl: string,
  config: LocalAzureConfig,
  cluster: ClusterConfig,
  caPem: string,
): string {
  const user = `${cluster.name}-admin`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: kubernetesApiServer(baseUrl, cluster),
          'certificate-authority-data': Buffer.from(caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: user, user: { token: clusterToken(config, cluster) } }],
    contexts: [{ name: cluster.name, context: { cluster: cluster.name, user, namespace: 'default' } }],
    'current-context': cluster.name,
    preferences: {},
  });
}

/** Where local Azure keeps the kubeconfig of each declared cluster. */
export function kubeconfigFile(kubeconfigDir: string, clusterName: string): string {
  return join(kubeconfigDir, clusterName);
}
