// What a shell (or a child process) needs to use local Azure: the env file with the sign-in and
// resource names, the CA bundle NODE_EXTRA_CA_CERTS points at, and the kubeconfig of the first Arc
// cluster.

import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { stringify } from 'yaml';
import type { ClusterConfig, LocalAzureConfig } from './config/types.js';
import type { StateFiles } from './state-dir.js';
import { writePrivateFile } from './state-dir.js';
import { pemCertificates } from './tls/certificates.js';

export interface EnvInputs {
  readonly baseUrl: string;
  readonly config: LocalAzureConfig;
  readonly files: StateFiles;
  readonly idTokenRequestUrl: string;
  readonly idTokenRequestToken: string;
}

/** The cluster a first run works with: the first Arc cluster, else the first cluster. */
export function firstCluster(config: LocalAzureConfig): ClusterConfig | undefined {
  return config.clusters.find((c) => c.kind === 'arc') ?? config.clusters[0];
}

export function environment(inputs: EnvInputs): Record<string, string> {
  const { config, files } = inputs;
  const app = config.apps[0];
  const workspace = config.workspaces[0];
  const cluster = firstCluster(config);
  return {
    AZURE_CLIENT_ID: app?.clientId ?? '',
    AZURE_TENANT_ID: config.tenantId,
    AZURE_SUBSCRIPTION_ID: config.subscriptionId,
    AZURE_ARM_ENDPOINT: inputs.baseUrl,
    NODE_EXTRA_CA_CERTS: files.caBundle,
    ACTIONS_ID_TOKEN_REQUEST_URL: inputs.idTokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: inputs.idTokenRequestToken,
    ARC_ML_RESOURCE_GROUP: workspace?.resourceGroup ?? cluster?.resourceGroup ?? config.resourceGroups[0]?.name ?? '',
    ARC_ML_WORKSPACE: workspace?.name ?? '',
    ARC_ML_CLUSTER: cluster?.name ?? '',
    ARC_ML_LOCATION: config.location,
    ARC_ML_KUBECONFIG: cluster ? files.kubeconfig : '',
  };
}

/** Writes DIR/env (shell-sourceable), DIR/ca-bundle.pem and DIR/kubeconfig. */
export function writeEnvironmentFiles(inputs: EnvInputs, caPem: string, env: Record<string, string>): void {
  writeCaBundle(inputs.files.caBundle, caPem);
  const cluster = firstCluster(inputs.config);
  if (cluster) writePrivateFile(inputs.files.kubeconfig, kubeconfigYaml(inputs.baseUrl, inputs.config, cluster, caPem));
  const lines = [
    '# Local Azure (pnpm arc-ml local up). Use it from a shell with:',
    `#   source ${inputs.files.env}`,
    ...Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    '',
  ];
  writePrivateFile(inputs.files.env, lines.join('\n'));
}

/**
 * The bundle child processes trust: what NODE_EXTRA_CA_CERTS already held on this machine (or the
 * system/Node root store when nothing did) plus the local CA, each certificate once.
 */
export function writeCaBundle(file: string, caPem: string): void {
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  let base: string[];
  if (existing && existsSync(existing)) base = pemCertificates(readFileSync(existing, 'utf8'));
  else if (existsSync('/etc/ssl/certs/ca-certificates.crt')) {
    base = pemCertificates(readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8'));
  } else base = rootCertificates.flatMap(pemCertificates);
  const ca = pemCertificates(caPem);
  const unique = [...new Set([...base, ...ca])];
  writePrivateFile(file, unique.join(''), 0o644);
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
          server: `${baseUrl}/kubernetes/${cluster.resourceGroup}/${cluster.name}`,
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

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
