// Reads a kubeconfig the way kubectl and helm do for `az connectedk8s connect`: the file from
// --kube-config, else KUBECONFIG, else ~/.kube/config; the context from --kube-context, else
// current-context; its cluster's server and CA, and its user's bearer token.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { CliError } from './args.js';

export interface KubeTarget {
  readonly context: string;
  readonly server: string;
  readonly caPem?: string;
  readonly insecure: boolean;
  readonly token?: string;
}

type Named = { name?: unknown; [key: string]: unknown };

export function kubeconfigPath(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option) return option;
  const fromEnv = env['KUBECONFIG']?.split(delimiter).find(Boolean);
  return fromEnv ?? join(homedir(), '.kube', 'config');
}

export function readKubeconfig(path: string, contextName: string | undefined): KubeTarget {
  if (!existsSync(path))
    throw new CliError(`Problem loading the kubeconfig file. [Errno 2] No such file or directory: '${path}'`);
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a mapping');
    doc = parsed as Record<string, unknown>;
  } catch {
    throw new CliError('Problem loading the kubeconfig file. Invalid kube-config file. No configuration found.');
  }
  const list = (key: string): Named[] => (Array.isArray(doc[key]) ? (doc[key] as Named[]) : []);
  const find = (key: string, name: unknown) => list(key).find((item) => item?.name === name);
  const wanted = contextName ?? doc['current-context'];
  if (typeof wanted !== 'string' || !wanted) {
    throw new CliError(
      'Problem loading the kubeconfig file. Invalid kube-config file. Expected key current-context in kube-config',
    );
  }
  const context = find('contexts', wanted)?.['context'] as { cluster?: unknown; user?: unknown } | undefined;
  if (!context)
    throw new CliError(
      `Problem loading the kubeconfig file. Invalid kube-config file. Expected object with name ${wanted} in kube-config/contexts list`,
    );
  const cluster = find('clusters', context.cluster)?.['cluster'] as Record<string, unknown> | undefined;
  if (!cluster || typeof cluster['server'] !== 'string') {
    throw new CliError(
      `Problem loading the kubeconfig file. Invalid kube-config file. Expected object with name ${String(context.cluster)} in kube-config/clusters list`,
    );
  }
  const user = (find('users', context.user)?.['user'] ?? {}) as Record<string, unknown>;
  const caData = cluster['certificate-authority-data'];
  const caFile = cluster['certificate-authority'];
  const caPem =
    typeof caData === 'string'
      ? Buffer.from(caData, 'base64').toString('utf8')
      : typeof caFile === 'string' && existsSync(caFile)
        ? readFileSync(caFile, 'utf8')
        : undefined;
  return {
    context: wanted,
    server: cluster['server'].replace(/\/+$/, ''),
    ...(caPem ? { caPem } : {}),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    ...(typeof user['token'] === 'string' ? { token: user['token'] } : {}),
  };
}
