/**
 * Azure clouds: the three built-in public clouds, and custom clouds (Azure Stack Hub, local Azure)
 * discovered from Resource Manager's metadata endpoint, the same way `az cloud register` does.
 */

export type AzureEnvironmentName = 'azurecloud' | 'azureusgovernment' | 'azurechinacloud';

export const azureEnvironmentNames: readonly AzureEnvironmentName[] = [
  'azurecloud',
  'azureusgovernment',
  'azurechinacloud',
];

/** Where a cloud's services live. URLs carry no trailing slash. */
export interface AzureCloud {
  readonly name: string;
  /** Resource Manager, e.g. `https://management.azure.com`. */
  readonly resourceManagerEndpoint: string;
  /** Microsoft Entra ID login endpoint, e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string;
  /** The audience of Resource Manager tokens; the scope is `${resourceManagerAudience}/.default`. */
  readonly resourceManagerAudience: string;
  /** Blob endpoints are `https://<account>.blob.<storageEndpointSuffix>`. */
  readonly storageEndpointSuffix: string;
  readonly portal?: string;
  /** True for clouds discovered from a metadata endpoint; they skip Entra instance discovery. */
  readonly isCustom: boolean;
}

export const AzureCloud: AzureCloud = Object.freeze({
  name: 'AzureCloud',
  resourceManagerEndpoint: 'https://management.azure.com',
  authorityHost: 'https://login.microsoftonline.com',
  resourceManagerAudience: 'https://management.azure.com',
  storageEndpointSuffix: 'core.windows.net',
  portal: 'https://portal.azure.com',
  isCustom: false,
});

export const AzureUSGovernment: AzureCloud = Object.freeze({
  name: 'AzureUSGovernment',
  resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
  authorityHost: 'https://login.microsoftonline.us',
  resourceManagerAudience: 'https://management.usgovcloudapi.net',
  storageEndpointSuffix: 'core.usgovcloudapi.net',
  portal: 'https://portal.azure.us',
  isCustom: false,
});

export const AzureChinaCloud: AzureCloud = Object.freeze({
  name: 'AzureChinaCloud',
  resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
  authorityHost: 'https://login.chinacloudapi.cn',
  resourceManagerAudience: 'https://management.chinacloudapi.cn',
  storageEndpointSuffix: 'core.chinacloudapi.cn',
  portal: 'https://portal.azure.cn',
  isCustom: false,
});

export const builtInClouds: Readonly<Record<AzureEnvironmentName, AzureCloud>> = Object.freeze({
  azurecloud: AzureCloud,
  azureusgovernment: AzureUSGovernment,
  azurechinacloud: AzureChinaCloud,
});

/** The api-version of the metadata document: a JSON array of clouds. */
export const cloudMetadataApiVersion = '2022-09-01';

/** The OAuth scope for Resource Manager in `cloud` (kept literal, as `az` does: an audience ending in `/` gives `//.default`). */
export function armScope(cloud: AzureCloud): string {
  return `${cloud.resourceManagerAudience}/.default`;
}

export class CloudDiscoveryError extends Error {
  override readonly name = 'CloudDiscoveryError';
  constructor(
    message: string,
    /** The metadata URL that was asked, when there was one. */
    readonly url: string | undefined,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResolveCloudOptions {
  /** One of the built-in clouds, case-insensitive; default `azurecloud`. Ignored when `armEndpoint` is given. */
  readonly environment?: string;
  /** A Resource Manager endpoint; its `/metadata/endpoints` document describes the cloud. */
  readonly armEndpoint?: string;
  readonly signal?: AbortSignal;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The cloud to sign in to and send requests to. A built-in cloud needs no network; a custom one is discovered. */
export async function resolveCloud(
  options: ResolveCloudOptions = {},
  fetchImpl: FetchLike = fetch,
): Promise<AzureCloud> {
  if (options.armEndpoint) {
    const armEndpoint = normalizeArmEndpoint(options.armEndpoint);
    const builtIn = Object.values(builtInClouds).find((cloud) => sameUrl(cloud.resourceManagerEndpoint, armEndpoint));
    if (builtIn) return builtIn;
    const url = `${armEndpoint}/metadata/endpoints?api-version=${cloudMetadataApiVersion}`;
    const document = await fetchMetadata(url, fetchImpl, options.signal);
    return cloudFromMetadata(document, armEndpoint, url);
  }
  return builtInCloud(options.environment ?? 'azurecloud');
}

/** The built-in cloud called `name` (case-insensitive), or an error listing the names there are. */
export function builtInCloud(name: string): AzureCloud {
  const key = name.trim().toLowerCase();
  const cloud = (builtInClouds as Record<string, AzureCloud | undefined>)[key];
  if (!cloud) {
    throw new CloudDiscoveryError(
      `"${name}" is not a known Azure environment; expected one of ${azureEnvironmentNames.join(', ')}`,
      undefined,
      'For Azure Stack Hub or local Azure, give arm-endpoint instead; the cloud is discovered from it.',
    );
  }
  return cloud;
}

/**
 * Turns a metadata document into a cloud. Accepts the current format (a JSON array of clouds,
 * api-version 2022-09-01) and the older single-object format that Azure Stack Hub returns.
 */
export function cloudFromMetadata(document: unknown, armEndpoint: string, url: string): AzureCloud {
  const entries = Array.isArray(document) ? document : [document];
  const clouds = entries.filter(isObject);
  if (clouds.length === 0) {
    throw new CloudDiscoveryError(`${url} returned no cloud description (expected a JSON array of clouds)`, url);
  }
  const matching = clouds.filter(
    (entry) => typeof entry['resourceManager'] === 'string' && sameUrl(entry['resourceManager'], armEndpoint),
  );
  const entry = matching[0] ?? (clouds.length === 1 ? clouds[0] : undefined);
  if (!entry) {
    const names = clouds.map(
      (c) => `${String(c['name'] ?? '?')} (${String(c['resourceManager'] ?? 'no resourceManager')})`,
    );
    throw new CloudDiscoveryError(
      `${url} describes ${clouds.length} clouds and none has resourceManager ${armEndpoint}: ${names.join(', ')}`,
      url,
      'Set arm-endpoint to the resourceManager value of the cloud you mean.',
    );
  }
  const label = typeof entry['name'] === 'string' ? `cloud "${entry['name']}"` : 'the cloud';
  const authentication = isObject(entry['authentication']) ? entry['authentication'] : undefined;
  const loginEndpoint = authentication?.['loginEndpoint'];
  if (typeof loginEndpoint !== 'string' || !isHttpUrl(loginEndpoint)) {
    throw new CloudDiscoveryError(`${url}: ${label} has no usable authentication.loginEndpoint`, url);
  }
  const audiences = authentication?.['audiences'];
  const audience = Array.isArray(audiences)
    ? audiences.find((a): a is string => typeof a === 'string' && a !== '')
    : undefined;
  if (!audience) {
    throw new CloudDiscoveryError(`${url}: ${label} has no authentication.audiences`, url);
  }
  const suffixes = isObject(entry['suffixes']) ? entry['suffixes'] : undefined;
  const storage = typeof suffixes?.['storage'] === 'string' ? suffixes['storage'] : storageSuffixFromArm(armEndpoint);
  if (!storage) {
    throw new CloudDiscoveryError(`${url}: ${label} has no suffixes.storage`, url);
  }
  const portal = entry['portal'] ?? entry['portalEndpoint'];
  const resourceManager = typeof entry['resourceManager'] === 'string' ? entry['resourceManager'] : armEndpoint;
  return Object.freeze({
    name: typeof entry['name'] === 'string' ? entry['name'] : `custom (${new URL(armEndpoint).host})`,
    resourceManagerEndpoint: trimSlash(resourceManager),
    authorityHost: trimSlash(loginEndpoint),
    resourceManagerAudience: audience,
    storageEndpointSuffix: storage.replace(/^\.+/, ''),
    ...(typeof portal === 'string' ? { portal: trimSlash(portal) } : {}),
    isCustom: true,
  });
}

async function fetchMetadata(url: string, fetchImpl: FetchLike, signal: AbortSignal | undefined): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { accept: 'application/json' },
      signal: signal ?? AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const code = errorCode(error);
    const tls = code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i.test(code);
    throw new CloudDiscoveryError(
      `Could not read the cloud metadata from ${url}: ${describeError(error)}`,
      url,
      tls
        ? "The endpoint's certificate is not trusted by Node; point NODE_EXTRA_CA_CERTS at its CA certificate (local Azure prints it when it starts)."
        : 'Check that arm-endpoint is the Resource Manager endpoint and that the runner can reach it.',
      { cause: error },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new CloudDiscoveryError(
      `${url} answered HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`,
      url,
      'Check arm-endpoint: it must be the Resource Manager endpoint (for Azure Stack Hub, https://management.<region>.<fqdn>).',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CloudDiscoveryError(
      `${url} did not return JSON (${(error as Error).message}): ${text.slice(0, 200)}`,
      url,
      'Check arm-endpoint: it must be the Resource Manager endpoint, not a portal or another service.',
    );
  }
}

function normalizeArmEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new CloudDiscoveryError(
      `arm-endpoint "${value}" is not a URL`,
      undefined,
      'Use e.g. https://management.local.azurestack.external',
    );
  }
  if (url.protocol !== 'https:') {
    throw new CloudDiscoveryError(
      `arm-endpoint "${value}" is not an https URL`,
      undefined,
      'The Azure SDKs send bearer tokens only over https.',
    );
  }
  return trimSlash(`${url.origin}${url.pathname}`);
}

/** Azure Stack Hub's ARM is `management.<region>.<fqdn>`; its blobs are `<account>.blob.<region>.<fqdn>`. */
function storageSuffixFromArm(armEndpoint: string): string | undefined {
  const host = new URL(armEndpoint).hostname;
  return host.startsWith('management.') ? host.slice('management.'.length) : undefined;
}

function sameUrl(a: string, b: string): boolean {
  return trimSlash(a).toLowerCase() === trimSlash(b).toLowerCase();
}

function trimSlash(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; isObjectLike(e) && depth < 5; e = e['cause'], depth++) {
    if (typeof e['code'] === 'string') return e['code'];
  }
  return undefined;
}

function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; isObjectLike(e) && depth < 5; e = e['cause'], depth++) {
    const message = typeof e['message'] === 'string' ? e['message'] : '';
    const code = typeof e['code'] === 'string' ? e['code'] : '';
    const part = [message, code && !message.includes(code) ? `(${code})` : ''].filter(Boolean).join(' ');
    if (part && !parts.includes(part)) parts.push(part);
  }
  return parts.join(': ') || String(error);
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
