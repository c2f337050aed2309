// What a shell (or a child process) needs to use local Azure: the env file with the sign-in and
// resource names and the az shim's folder first on PATH, the CA bundle NODE_EXTRA_CA_CERTS points
// at, and a kubeconfig for every declared cluster (DIR/kubeconfig: the first Arc one's).

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { ClusterConfig, LocalAzureConfig } from './config/types.js';
import { kubeconfigFile, kubeconfigYaml } from './kubeconfig.js';
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
    // the az shim keeps its clouds, sign-in and extensions here, never in the real CLI's ~/.azure
    AZURE_CONFIG_DIR: files.azureConfig,
    AZURE_EXTENSION_DIR: join(files.azureConfig, 'cliextensions'),
    PATH: [files.bin, process.env.PATH].filter(Boolean).join(delimiter),
  };
}

/**
 * Writes DIR/env (shell-sourceable; PATH gets the az shim's folder in front of the shell's own),
 * DIR/ca-bundle.pem, DIR/kubeconfigs/{cluster} for every declared cluster and DIR/kubeconfig.
 */
export function writeEnvironmentFiles(inputs: EnvInputs, caPem: string, env: Record<string, string>): void {
  const { baseUrl, config, files } = inputs;
  writeCaBundle(files.caBundle, caPem);
  rmSync(files.kubeconfigs, { recursive: true, force: true });
  for (const cluster of config.clusters) {
    writePrivateFile(kubeconfigFile(files.kubeconfigs, cluster.name), kubeconfigYaml(baseUrl, config, cluster, caPem));
  }
  const cluster = firstCluster(config);
  if (cluster) writePrivateFile(files.kubeconfig, kubeconfigYaml(baseUrl, config, cluster, caPem));
  const lines = [
    '# Local Azure (pnpm arc-ml local up). Use it from a shell with:',
    `#   source ${files.env}`,
    ...Object.entries(env)
      .filter(([name]) => name !== 'PATH')
      .map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    `export PATH="${doubleQuoted(files.bin)}:$PATH"`,
    '',
  ];
  writePrivateFile(files.env, lines.join('\n'));
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

/** A shell word that stands for `value` exactly: '…', with each ' written as '\\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Text for inside "…": the characters the shell would still interpret there, escaped. */
function doubleQuoted(value: string): string {
  return value.replace(/[\\"$`]/g, '\\$&');
}
