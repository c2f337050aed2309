// The workspace's blob storage: Azurite, which the front door starts and describes to providers
// as `ctx.storage`. Creates the default datastores' containers with a Shared Key signed REST
// call (no storage SDK needed) and says how a datastore names the endpoint.
//
// Convention for AzureBlob datastores served by local Azure (see datastores.ts):
//   accountName = 'devstoreaccount1', protocol = 'https', endpoint = '127.0.0.1:PORT'.
// Azure ML clients build `{protocol}://{accountName}.blob.{endpoint}` for a storage suffix such as
// 'core.windows.net'. When `endpoint` is an IP address with a port (or 'localhost:PORT'), the
// account URL is path-style instead, `{protocol}://{endpoint}/{accountName}` — the same rule the
// Azure Storage SDKs apply to IP-style URLs (the first path segment is the account). Azurite only
// serves path-style URLs on 127.0.0.1, and its certificate names 127.0.0.1 and localhost only.

import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { BlobStorage, ProviderContext } from '../../arm/contract.js';

/** The storage the front door describes in `ctx.storage`; `caPem` (optional) is the CA its HTTPS certificate chains to. */
export type StorageInfo = BlobStorage & { readonly caPem?: string };

/** `ctx.storage` when the front door provides it (read defensively: test contexts may leave it out). */
export function storageOf(ctx: ProviderContext): StorageInfo | undefined {
  const storage = (ctx as { readonly storage?: StorageInfo }).storage;
  return storage && typeof storage.blobEndpoint === 'string' && storage.blobEndpoint !== '' ? storage : undefined;
}

export const DEFAULT_ACCOUNT = 'devstoreaccount1';
/** Azurite's default blob port, used in datastores only until the front door says where Azurite runs. */
export const DEFAULT_BLOB_HOST = '127.0.0.1:10000';

/** `{ endpoint, protocol }` of an AzureBlob datastore on this storage (see the convention above). */
export function datastoreEndpoint(storage: StorageInfo | undefined): { endpoint: string; protocol: string } {
  if (!storage) return { endpoint: DEFAULT_BLOB_HOST, protocol: 'https' };
  const url = new URL(storage.blobEndpoint);
  return { endpoint: url.host, protocol: url.protocol.replace(/:$/, '') };
}

/** The account URL a client builds from an AzureBlob datastore's fields (the convention above). */
export function accountUrl(datastore: { accountName: string; endpoint: string; protocol: string }): string {
  const host = datastore.endpoint.split(':')[0] ?? '';
  const ipStyle = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host === 'localhost' || host.startsWith('[');
  return ipStyle
    ? `${datastore.protocol}://${datastore.endpoint}/${datastore.accountName}`
    : `${datastore.protocol}://${datastore.accountName}.blob.${datastore.endpoint}`;
}

/** Creates a container (201), or leaves an existing one (409 ContainerAlreadyExists). */
export type CreateContainer = (storage: StorageInfo, container: string) => Promise<void>;

const STORAGE_VERSION = '2021-10-04';

export const createContainer: CreateContainer = async (storage, container) => {
  const url = new URL(`${storage.blobEndpoint.replace(/\/+$/, '')}/${container}?restype=container`);
  const headers: Record<string, string> = {
    'x-ms-date': new Date().toUTCString(),
    'x-ms-version': STORAGE_VERSION,
    'content-length': '0',
  };
  headers['authorization'] = sharedKey(storage, 'PUT', url, headers);
  const { status, text } = await send(url, 'PUT', headers, storage.caPem);
  if (status === 201 || status === 409) return;
  throw new Error(
    `creating container '${container}' at ${storage.blobEndpoint} answered ${status}: ${text.slice(0, 400)}`,
  );
};

/** One request without a body; HTTPS trusts `caPem` when given (Azurite's certificate is local Azure's). */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  caPem?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const options = { method, headers, timeout: 10_000, ...(caPem ? { ca: caPem } : {}) };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** The Shared Key `Authorization` header of a request without a body. */
export function sharedKey(storage: StorageInfo, method: string, url: URL, headers: Record<string, string>): string {
  const canonicalHeaders = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .filter(([name]) => name.startsWith('x-ms-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  const params = [...url.searchParams.entries()]
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `\n${name}:${value}`)
    .join('');
  // Path-style URLs already start with the account: the resource is /{account}/{account}/{container}.
  const canonicalResource = `/${storage.accountName}${decodeURIComponent(url.pathname)}${params}`;
  const stringToSign =
    [method, '', '', '', '', '', '', '', '', '', '', ''].join('\n') + `\n${canonicalHeaders}${canonicalResource}`;
  const signature = createHmac('sha256', Buffer.from(storage.accountKey, 'base64'))
    .update(stringToSign, 'utf8')
    .digest('base64');
  return `SharedKey ${storage.accountName}:${signature}`;
}
