// HTTP as az sends it: Resource Manager requests with the signed-in account's token, retried on
// throttling and server errors after the Retry-After the service asks for (as azure-core's retry
// policy does), long-running operations followed to their end, and ARM errors printed the way az
// prints them (`(Code) message` then `Code:` / `Message:` lines).

import { CliError } from './args.js';
import type { AzProfile, CloudEndpoints } from './profile.js';

export const CLI_VERSION = '2.67.0';
export const CONNECTEDK8S_VERSION = '1.10.7';
const USER_AGENT = `AZURECLI/${CLI_VERSION} (arc-ml local Azure az shim) azsdk-python-core/1.32.0 Python/3.12.8`;
const RETRIES = 4;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One HTTP exchange with retries on 408/429/5xx and dropped connections, honouring Retry-After. */
export async function send(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string; sleep?: Sleep; retries?: number } = {},
): Promise<HttpAnswer> {
  const sleep = options.sleep ?? realSleep;
  const retries = options.retries ?? RETRIES;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { 'User-Agent': USER_AGENT, Accept: 'application/json', ...(options.headers ?? {}) },
        ...(options.body === undefined ? {} : { body: options.body }),
      });
    } catch (error) {
      if (attempt < retries) {
        await sleep(backoff(attempt));
        continue;
      }
      throw new CliError(`(ConnectionError) ${connectionMessage(error)} (${method} ${new URL(url).origin})`);
    }
    const text = await response.text();
    if ([408, 429, 500, 502, 503, 504].includes(response.status) && attempt < retries) {
      await sleep(retryAfterMs(response.headers) ?? backoff(attempt));
      continue;
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, headers: response.headers, body, text };
  }
}

function backoff(attempt: number): number {
  return Math.min(8000, 800 * 2 ** attempt);
}

function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms') ?? headers.get('x-ms-retry-after-ms');
  if (ms && /^\d+$/.test(ms)) return Number(ms);
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function connectionMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: string } })?.cause?.message;
  return cause ?? (error as Error)?.message ?? String(error);
}

/** `(Code) message` + the `Code:` / `Message:` lines az prints for an ARM error answer. */
export function armErrorText(answer: HttpAnswer): string {
  const error = (answer.body as { error?: { code?: string; message?: string; target?: string } } | undefined)?.error;
  if (!error?.code)
    return `Operation returned an invalid status '${answer.status}'\nContent: ${answer.text.slice(0, 500)}`;
  return [
    `(${error.code}) ${error.message ?? ''}`,
    `Code: ${error.code}`,
    `Message: ${error.message ?? ''}`,
    ...(error.target ? [`Target: ${error.target}`] : []),
  ].join('\n');
}

/** A Resource Manager URL on the active cloud. */
export function armUrl(cloud: CloudEndpoints, path: string, apiVersion: string): string {
  const base = cloud.resourceManager.replace(/\/+$/, '');
  return `${base}${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
}

/** The scope az asks for: the audience taken literally, `/.default` appended (`…net//.default`). */
export function scopeFor(resource: string): string {
  return `${resource}/.default`;
}

/** Finds the Entra token endpoint of a tenant from its OpenID configuration, as MSAL does. */
export async function tokenEndpoint(cloud: CloudEndpoints, tenant: string): Promise<string> {
  const login = cloud.activeDirectory.replace(/\/+$/, '');
  const answer = await send('GET', `${login}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`);
  if (answer.status !== 200) throw new CliError(entraErrorText(answer));
  const endpoint = (answer.body as { token_endpoint?: unknown } | undefined)?.token_endpoint;
  if (typeof endpoint !== 'string')
    throw new CliError(`The OpenID configuration of tenant '${tenant}' has no token_endpoint.`);
  return endpoint;
}

/** Exchanges a federated token (client assertion) for an access token. */
export async function exchangeAssertion(
  cloud: CloudEndpoints,
  entry: { clientId: string; tenant: string; assertion: string },
  resource: string,
): Promise<{ accessToken: string; expiresOn: number }> {
  const endpoint = await tokenEndpoint(cloud, entry.tenant);
  const form = new URLSearchParams({
    client_id: entry.clientId,
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: entry.assertion,
    scope: scopeFor(resource),
  });
  const answer = await send('POST', endpoint, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const body = answer.body as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (answer.status !== 200 || typeof body?.access_token !== 'string') throw new CliError(entraErrorText(answer));
  const expiresIn = Number(body.expires_in ?? 3599);
  return { accessToken: body.access_token, expiresOn: Math.floor(Date.now() / 1000) + expiresIn };
}

/** Entra's own words (`AADSTS…: …`), as az prints them. */
export function entraErrorText(answer: HttpAnswer): string {
  const body = answer.body as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof body?.error_description === 'string') return body.error_description;
  if (typeof body?.error === 'string') return body.error;
  return `Microsoft Entra ID answered HTTP ${answer.status}.`;
}

/** An ARM access token for the default account: from the cache, else the stored federated token again. */
export async function armToken(
  profile: AzProfile,
): Promise<{ token: string; subscriptionId: string; cloud: CloudEndpoints }> {
  const account = profile.defaultSubscription();
  if (!account) throw new CliError("Please run 'az login' to setup account.");
  const cloud = profile.activeCloud();
  const resource = cloud.activeDirectoryResourceId;
  const clientId = account.user.name;
  const cached = profile.cachedToken(clientId, account.tenantId, resource);
  if (cached && cached.expiresOn - 300 > Date.now() / 1000) {
    return { token: cached.accessToken, subscriptionId: account.id, cloud };
  }
  const entry = profile.servicePrincipals().find((e) => e.client_id === clientId && e.tenant === account.tenantId);
  if (!entry) throw new CliError("Please run 'az login' to setup account.");
  let fresh: { accessToken: string; expiresOn: number };
  try {
    fresh = await exchangeAssertion(
      cloud,
      { clientId, tenant: entry.tenant, assertion: entry.client_assertion },
      resource,
    );
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nInteractive authentication is needed. Please run:\naz login`);
  }
  profile.saveToken({ clientId, tenant: entry.tenant, resource, ...fresh });
  return { token: fresh.accessToken, subscriptionId: account.id, cloud };
}

/** A Resource Manager request that must succeed (2xx); anything else is az's ARM error. */
export async function arm(
  method: string,
  url: string,
  token: string,
  body?: unknown,
  sleep?: Sleep,
): Promise<HttpAnswer> {
  const answer = await send(method, url, {
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(sleep ? { sleep } : {}),
  });
  if (answer.status >= 400) throw new ArmAnswerError(answer);
  return answer;
}

export class ArmAnswerError extends CliError {
  constructor(readonly answer: HttpAnswer) {
    super(armErrorText(answer));
  }
}

/**
 * Follows a long-running operation from its first answer: polls `Azure-AsyncOperation` (else
 * `Location`) after each Retry-After until it ends; a Failed or Canceled end is az's error.
 */
export async function followOperation(first: HttpAnswer, token: string, sleep: Sleep = realSleep): Promise<void> {
  const statusUrl = first.headers.get('azure-asyncoperation');
  const locationUrl = first.headers.get('location');
  if (!statusUrl && !locationUrl) return;
  let wait = retryAfterMs(first.headers) ?? 1000;
  for (;;) {
    await sleep(wait);
    if (statusUrl) {
      const answer = await arm('GET', statusUrl, token, undefined, sleep);
      const body = answer.body as { status?: string; error?: { code?: string; message?: string } } | undefined;
      const status = body?.status ?? '';
      if (/^succeeded$/i.test(status)) return;
      if (/^(failed|canceled|cancelled)$/i.test(status)) {
        const code = body?.error?.code ?? status;
        const message = body?.error?.message ?? `The operation ${status.toLowerCase()}.`;
        throw new CliError(`(${code}) ${message}\nCode: ${code}\nMessage: ${message}`);
      }
      wait = retryAfterMs(answer.headers) ?? 1000;
    } else {
      const answer = await arm('GET', locationUrl!, token, undefined, sleep);
      if (answer.status !== 202) return;
      wait = retryAfterMs(answer.headers) ?? 1000;
    }
  }
}
