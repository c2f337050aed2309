// Shared fixtures for the Kubernetes provider tests: a context seeded with the default config,
// request helpers, a real agent key and real certificate/key pairs.

import { generateKeyPairSync, sign } from 'node:crypto';
import type { HttpMethod, ResourceProvider } from '../src/arm/contract.js';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import type { LocalAzureConfig } from '../src/config/types.js';
import { kubernetesProviders, newAgentPublicKey } from '../src/providers/kubernetes/index.js';
import {
  createTestContext,
  type DispatchResult,
  dispatch,
  dispatchAdmin,
  type TestContext,
  type TestContextOptions,
} from '../src/providers/test-context.js';

export const SUB = DEFAULT_CONFIG.subscriptionId;
export const RG = 'arc-ml-rg';
export const ARC = 'arc-k3s';
export const AKS = 'aks-ml';
export const CONNECTIVITY_DELAY = 1000;

export const ARC_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Kubernetes/connectedClusters/${ARC}`;
export const AKS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${AKS}`;

export function extensionPath(clusterId: string, name = 'azureml'): string {
  return `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;
}

/** A config like the default one, with each cluster changed by `change`. */
export function configWith(
  change: (cluster: LocalAzureConfig['clusters'][number]) => Partial<LocalAzureConfig['clusters'][number]>,
): LocalAzureConfig {
  return {
    ...DEFAULT_CONFIG,
    clusters: DEFAULT_CONFIG.clusters.map((cluster) => ({ ...cluster, ...change(cluster) })),
  };
}

export interface Harness {
  readonly ctx: TestContext;
  readonly providers: ResourceProvider[];
  send(method: HttpMethod, path: string, body?: unknown): Promise<DispatchResult>;
  admin(method: HttpMethod, path: string, body?: unknown): Promise<DispatchResult>;
  /** Onboards the Arc cluster as `az connectedk8s connect` does: PUT, then the agents start. */
  onboard(name?: string, options?: { startAgents?: boolean }): Promise<DispatchResult>;
  /** Onboards and waits out the connectivity delay. */
  connect(name?: string): Promise<void>;
}

export function harness(options: TestContextOptions = {}): Harness {
  const providers = kubernetesProviders();
  const ctx = createTestContext({ delays: { connectivity: CONNECTIVITY_DELAY }, ...options, providers });
  const send = (method: HttpMethod, path: string, body?: unknown) => dispatch(providers, method, path, { ctx, body });
  const admin = (method: HttpMethod, path: string, body?: unknown) =>
    dispatchAdmin(providers, method, path, { ctx, body });
  const onboard = async (name = ARC, { startAgents = true } = {}) => {
    const put = await send('PUT', clusterPath(name), onboardingBody());
    if (startAgents) await admin('POST', `/clusters/${name}/agents`, { running: true });
    return put;
  };
  return {
    ctx,
    providers,
    send,
    admin,
    onboard,
    connect: async (name = ARC) => {
      await onboard(name);
      ctx.clock.advance(ctx.delayMs('connectivity'));
    },
  };
}

export function clusterPath(name = ARC): string {
  return `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
}

let agentKey: string | undefined;

/** base64 DER PKCS#1 RSA public key, as `az connectedk8s connect` sends it (2048 bits keeps tests fast). */
export function agentPublicKey(): string {
  agentKey ??= newAgentPublicKey();
  return agentKey;
}

export function onboardingBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    location: 'eastus',
    identity: { type: 'SystemAssigned' },
    properties: { agentPublicKeyCertificate: agentPublicKey(), distribution: 'k3s', infrastructure: 'generic' },
    ...overrides,
  };
}

export function extensionBody(
  settings: Record<string, string>,
  protectedSettings: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    identity: { type: 'SystemAssigned' },
    properties: {
      extensionType: 'Microsoft.AzureML.Kubernetes',
      releaseTrain: 'stable',
      scope: { cluster: { releaseNamespace: 'azureml' } },
      configurationSettings: settings,
      configurationProtectedSettings: protectedSettings,
      ...extra,
    },
  };
}

export const INSECURE_INFERENCE = {
  enableTraining: 'True',
  enableInference: 'True',
  inferenceRouterServiceType: 'LoadBalancer',
  allowInsecureConnections: 'True',
};

export interface CertificatePair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A self-signed ECDSA P-256 certificate for `commonName` (also its DNS name) and its private key, in PEM. */
export function selfSigned(commonName: string, validDays = 30): CertificatePair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const ecdsaWithSha256 = der(0x30, oid('1.2.840.10045.4.3.2'));
  const name = der(0x30, der(0x31, der(0x30, oid('2.5.4.3'), der(0x0c, Buffer.from(commonName)))));
  const san = der(0x30, oid('2.5.29.17'), der(0x04, der(0x30, der(0x82, Buffer.from(commonName)))));
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    ecdsaWithSha256,
    name,
    der(0x30, utcTime(now - 86_400_000), utcTime(now + validDays * 86_400_000)),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
    der(0xa3, der(0x30, san)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = der(0x30, tbs, ecdsaWithSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    certPem: pem('CERTIFICATE', certificate),
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length =
    body.length < 0x80
      ? Buffer.from([body.length])
      : body.length < 0x100
        ? Buffer.from([0x81, body.length])
        : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  return der(
    0x17,
    Buffer.from(
      `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
    ),
  );
}

function pem(label: string, body: Buffer): string {
  return `-----BEGIN ${label}-----\n${body
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`;
}

/** JSON of every body a response carries, for "never appears" checks. */
export function text(result: DispatchResult): string {
  return JSON.stringify(result.body ?? null);
}

export function props(result: DispatchResult): Record<string, unknown> {
  return ((result.body as Record<string, unknown>)['properties'] ?? {}) as Record<string, unknown>;
}
