// All of connect-arc's inputs, parsed and checked together before anything is sent to Azure.

import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  actionInputs,
  allOf,
  InputError,
  type InputReader,
  lengthBetween,
  pattern,
  quoteValue,
} from '@arc-ml/actions-kit';
import { type AzureSignInSettings, readSignInSettings, resourceGroupNameRule } from '@arc-ml/azure';
import { type Kubeconfig, readKubeconfig } from './kubeconfig.js';

export const CLUSTER_TYPES = ['auto', 'connected', 'aks'] as const;
export type ClusterType = (typeof CLUSTER_TYPES)[number];

export interface ProxyCert {
  /** Where az reads it: the given path, or undefined when the PEM came inline (written to a temp file). */
  readonly path?: string;
  readonly pem: string;
}

export interface ConnectSettings {
  readonly signIn: AzureSignInSettings;
  readonly resourceGroup: string;
  /** The connected (or managed) cluster's resource name. */
  readonly clusterName: string;
  readonly clusterType: ClusterType;
  /** Azure region for onboarding, normalized like az (`East US` → `eastus`); the resource group's when absent. */
  readonly location?: string;
  readonly onboard: boolean;
  /** Present when onboarding (required then). */
  readonly kubeconfig?: Kubeconfig;
  readonly distribution?: string;
  readonly infrastructure?: string;
  readonly httpsProxy?: string;
  /** Hosts and CIDRs the agents reach without the proxy. */
  readonly noProxy: readonly string[];
  readonly proxyCert?: ProxyCert;
  /** Tags the connected cluster must carry (others it has are kept). */
  readonly tags: ReadonlyMap<string, string>;
  readonly timeoutMs: number;
  /** Inputs given that matter only when onboarding, for a warning when onboard is false. */
  readonly onboardingOnlyInputs: readonly string[];
  /** Values to register as secrets before anything is logged. */
  readonly secrets: readonly string[];
}

/** Connected cluster names (AKS names are a subset): 1–63 letters, digits, `-_.`, alphanumeric at both ends. */
export const clusterNameRule = allOf(
  lengthBetween(1, 63),
  pattern(
    /^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/,
    "letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
  ),
);

const locationRule = pattern(/^[A-Za-z][A-Za-z0-9 ]*$/, 'an Azure region such as eastus or "West Europe"');
const arcValueRule = pattern(
  /^[A-Za-z0-9_]{1,64}$/,
  'a value az connectedk8s accepts, such as k3s, openshift or generic',
);

export function getInputs(
  read: InputReader = actionInputs(),
  env: NodeJS.ProcessEnv = process.env,
): Readonly<ConnectSettings> {
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
  const signIn = readSignInSettings(read, env);
  const resourceGroup = read.required('resource-group', resourceGroupNameRule);
  const clusterName = read.required('cluster-name', clusterNameRule);
  const clusterType = read.enumOf('cluster-type', CLUSTER_TYPES, 'auto');
  const location = read.optional('location', locationRule)?.replace(/\s+/g, '').toLowerCase();
  const onboard = read.boolean('onboard', false);
  const kubeconfigValue = read.optional('kubeconfig');
  const distribution = read.optional('distribution', arcValueRule);
  const infrastructure = read.optional('infrastructure', arcValueRule);
  const httpsProxy = read.optional('https-proxy');
  const noProxy = read.list('no-proxy');
  const proxyCertValue = read.optional('proxy-cert');
  const tags = readTags(read);
  const timeoutMs = read.duration('timeout', '20m');

  if (timeoutMs < 1000) throw new InputError('timeout', 'must be at least 1s', { hint: 'e.g. timeout: 20m' });
  if (onboard && clusterType === 'aks') {
    throw new InputError('onboard', 'true asks to onboard an Arc connected cluster, but cluster-type is aks', {
      hint: 'For AKS, Arc is optional: leave onboard false. To Arc-enable a cluster, use cluster-type connected or auto.',
    });
  }
  if (onboard && kubeconfigValue === undefined) {
    throw new InputError('kubeconfig', 'a value is required when onboard is true', {
      hint: `az connectedk8s connect installs the Arc agents through the cluster API: pass the kubeconfig (e.g. kubeconfig: \${{ secrets.KUBECONFIG }}).`,
    });
  }
  const proxyUrl = httpsProxy === undefined ? undefined : checkProxy(httpsProxy);
  const kubeconfig = onboard && kubeconfigValue !== undefined ? readKubeconfig(kubeconfigValue, workspace) : undefined;
  const proxyCert = proxyCertValue === undefined ? undefined : readProxyCert(proxyCertValue, workspace);

  const onboardingOnlyInputs = (
    [
      ['kubeconfig', kubeconfigValue],
      ['distribution', distribution],
      ['infrastructure', infrastructure],
      ['https-proxy', httpsProxy],
      ['no-proxy', noProxy.length > 0 ? 'set' : undefined],
      ['proxy-cert', proxyCertValue],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);

  return {
    signIn,
    resourceGroup,
    clusterName,
    clusterType,
    ...(location ? { location } : {}),
    onboard,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(distribution ? { distribution: distribution.toLowerCase() } : {}),
    ...(infrastructure ? { infrastructure: infrastructure.toLowerCase() } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    noProxy,
    ...(proxyCert ? { proxyCert } : {}),
    tags,
    timeoutMs,
    onboardingOnlyInputs: onboard ? [] : onboardingOnlyInputs,
    secrets: [
      ...(kubeconfig?.secrets ?? []),
      ...(proxyUrl?.password ? [httpsProxy!, decodeURIComponent(proxyUrl.password)] : []),
    ],
  };
}

function checkProxy(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname) {
    throw new InputError(
      'https-proxy',
      `${url?.password ? 'the value' : quoteValue(value)} is not an http(s) proxy URL`,
      {
        hint: 'e.g. https-proxy: http://proxy.contoso.com:3128 (credentials, if any, as http://user:password@host:port)',
      },
    );
  }
  return url;
}

const TAG_KEY_FORBIDDEN = /[<>%&\\?/]/;

function readTags(read: InputReader): Map<string, string> {
  const tags = read.keyValues('tags');
  if (tags.size > 50) throw new InputError('tags', `${tags.size} tags given; Azure allows at most 50 per resource`);
  for (const [key, value] of tags) {
    if (key.length > 512 || TAG_KEY_FORBIDDEN.test(key)) {
      throw new InputError(
        'tags',
        `tag name ${quoteValue(key)} is not allowed: at most 512 characters, none of < > % & \\ ? /`,
      );
    }
    if (value.length > 256)
      throw new InputError('tags', `the value of tag "${key}" is ${value.length} characters; at most 256 are allowed`);
  }
  return tags;
}

function readProxyCert(value: string, workspace: string): ProxyCert {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN')) return { pem: checkCertificate(trimmed, 'the proxy-cert input') };
  const path = isAbsolute(trimmed) ? trimmed : resolve(workspace, trimmed);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) {
    throw new InputError('proxy-cert', `file ${quoteValue(trimmed)} was not found`, {
      hint: 'Give the PEM certificate of the proxy (its content, or a path relative to the repository root).',
    });
  }
  return { path, pem: checkCertificate(readFileSync(path, 'utf8'), path) };
}

function checkCertificate(pem: string, source: string): string {
  try {
    new X509Certificate(pem);
  } catch {
    throw new InputError('proxy-cert', `${source} is not a PEM certificate`, {
      hint: 'It must start with -----BEGIN CERTIFICATE-----.',
    });
  }
  return pem;
}
