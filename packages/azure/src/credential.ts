/**
 * Sign-in without stored secrets: a GitHub OIDC ID token exchanged with Microsoft Entra ID through
 * a federated credential (asked for afresh whenever Entra needs one, so multi-hour waits keep
 * working), Kubernetes workload identity on self-hosted runners in a cluster, or — only when given
 * explicitly — a client secret. Entra refusals become errors that say which federated credential
 * would match.
 */
import { readFileSync } from 'node:fs';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { ClientAssertionCredential, ClientSecretCredential, WorkloadIdentityCredential } from '@azure/identity';
import type { AzureCloud, FetchLike } from './clouds.js';
import { type Clock, realSleep, type Sleep, systemClock } from './time.js';

export const defaultOidcAudience = 'api://AzureADTokenExchange';

export interface CredentialSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly cloud: AzureCloud;
  /** Audience of the GitHub ID token; it must match the federated credential's. Default `api://AzureADTokenExchange`. */
  readonly audience?: string;
  /** Only when a secret is given explicitly; otherwise sign-in is federated. */
  readonly clientSecret?: string;
}

export interface CredentialDeps {
  readonly fetch?: FetchLike;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** Ask GitHub for a new ID token this long before the cached one expires; default 60 s. */
  readonly refreshBeforeExpiryMs?: number;
  readonly logger?: { debug(message: string): void };
}

export type CredentialKind = 'github-oidc' | 'workload-identity' | 'client-secret';

/** A `TokenCredential` that says how it signs in, for a log line. */
export interface AzureCredential extends TokenCredential {
  readonly kind: CredentialKind;
  readonly description: string;
}

/** Claims of a JWT that matter for federated credentials. */
export interface TokenClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | string[];
  readonly exp?: number;
  readonly iat?: number;
  readonly [claim: string]: unknown;
}

/** The federated identity credential that would accept a token, as `az ad app federated-credential create` takes it. */
export interface FederatedCredentialSpec {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/** Sign-in cannot start: settings or the GitHub environment are missing. */
export class SignInConfigurationError extends Error {
  override readonly name = 'SignInConfigurationError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** GitHub's ID token service failed or answered without a token. */
export class GitHubIdTokenError extends Error {
  override readonly name = 'GitHubIdTokenError';
  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Microsoft Entra ID refused the presented token (AADSTS…). Never contains the token itself. */
export class FederatedSignInError extends Error {
  override readonly name = 'FederatedSignInError';
  constructor(
    message: string,
    readonly hint: string,
    /** `AADSTS700213` and the like. */
    readonly code: string,
    /** `iss`, `sub`, `aud` of the presented token, when it could be read. */
    readonly claims: Pick<TokenClaims, 'iss' | 'sub' | 'aud'> | undefined,
    /** The federated credential that would accept the presented token. */
    readonly matchingCredential: FederatedCredentialSpec | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Picks how to sign in: an explicit client secret; else workload identity when
 * `AZURE_FEDERATED_TOKEN_FILE` is set; else GitHub OIDC, which needs `permissions: id-token: write`.
 */
export function createCredential(
  settings: CredentialSettings,
  env: Env = process.env,
  deps: CredentialDeps = {},
): AzureCredential {
  const tenantId = settings.tenantId?.trim();
  const clientId = settings.clientId?.trim();
  if (!tenantId || !clientId) {
    const missing = !tenantId ? 'tenant-id' : 'client-id';
    throw new SignInConfigurationError(
      `Cannot sign in to Azure: ${missing} is empty`,
      'Set the client-id and tenant-id inputs (or AZURE_CLIENT_ID and AZURE_TENANT_ID) to the app registration or managed identity that has a federated credential for this repository.',
    );
  }
  const { cloud } = settings;
  const identityOptions = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: cloud.isCustom };
  const context: SignInContext = { tenantId, clientId, cloud };

  if (settings.clientSecret) {
    return labelled(
      'client-secret',
      `client secret of ${clientId} in tenant ${tenantId}`,
      new ClientSecretCredential(tenantId, clientId, settings.clientSecret, identityOptions),
    );
  }

  const tokenFile = env['AZURE_FEDERATED_TOKEN_FILE'];
  if (tokenFile) {
    const inner = new WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath: tokenFile, ...identityOptions });
    return new FederatedCredential(
      'workload-identity',
      `workload identity (${tokenFile}) as ${clientId} in tenant ${tenantId}`,
      inner,
      context,
      'the workload identity token',
      () => claimsFromFile(tokenFile),
    );
  }

  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  if (!requestUrl || !requestToken) {
    throw new SignInConfigurationError(
      `GitHub gave this job no OIDC ID token (${!requestUrl ? 'ACTIONS_ID_TOKEN_REQUEST_URL' : 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'} is not set), so it cannot sign in to Azure with a federated credential`,
      'Add `permissions: { id-token: write, contents: read }` to the job (or the workflow). Pull requests from forks never get an ID token: run this on push, workflow_dispatch or schedule instead. On a self-hosted runner inside a cluster, set AZURE_FEDERATED_TOKEN_FILE to use workload identity.',
    );
  }
  const provider = new GitHubIdTokenProvider({
    requestUrl,
    requestToken,
    audience: settings.audience?.trim() || defaultOidcAudience,
    ...deps,
  });
  const inner = new ClientAssertionCredential(tenantId, clientId, () => provider.getToken(), identityOptions);
  return new FederatedCredential(
    'github-oidc',
    `GitHub OIDC as ${clientId} in tenant ${tenantId}`,
    inner,
    context,
    'the GitHub ID token',
    () => provider.lastClaims,
  );
}

export interface GitHubIdTokenProviderOptions extends CredentialDeps {
  /** `ACTIONS_ID_TOKEN_REQUEST_URL` (already carries `?api-version=`). */
  readonly requestUrl: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
  readonly requestToken: string;
  readonly audience: string;
}

/** Asks GitHub for ID tokens and reuses one until shortly before it expires. */
export class GitHubIdTokenProvider {
  #cached: { token: string; claims: TokenClaims | undefined; refreshAtMs: number } | undefined;
  #inflight: Promise<string> | undefined;
  readonly #options: GitHubIdTokenProviderOptions;
  readonly #clock: Clock;

  constructor(options: GitHubIdTokenProviderOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Claims of the last token handed out (never the token). */
  get lastClaims(): TokenClaims | undefined {
    return this.#cached?.claims;
  }

  getToken(): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#clock.now() < cached.refreshAtMs) return Promise.resolve(cached.token);
    this.#inflight ??= this.#request().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #request(): Promise<string> {
    const { audience } = this.#options;
    const url = new URL(this.#options.requestUrl);
    url.searchParams.set('audience', audience);
    const token = await this.#fetchWithRetry(url.toString());
    const claims = decodeJwtClaims(token);
    const refreshBeforeMs = this.#options.refreshBeforeExpiryMs ?? 60_000;
    const refreshAtMs = typeof claims?.exp === 'number' ? claims.exp * 1000 - refreshBeforeMs : 0;
    this.#cached = { token, claims, refreshAtMs };
    this.#options.logger?.debug(
      `GitHub ID token for audience ${audience}: sub ${claims?.sub ?? '?'}${typeof claims?.exp === 'number' ? `, expires ${new Date(claims.exp * 1000).toISOString()}` : ''}`,
    );
    return token;
  }

  async #fetchWithRetry(url: string): Promise<string> {
    const fetchImpl = this.#options.fetch ?? fetch;
    const sleep = this.#options.sleep ?? realSleep;
    const attempts = 3;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          headers: { authorization: `bearer ${this.#options.requestToken}`, accept: 'application/json' },
        });
      } catch (error) {
        if (attempt < attempts) {
          await sleep(1000 * attempt);
          continue;
        }
        throw new GitHubIdTokenError(
          `Could not reach GitHub's ID token service: ${(error as Error).message}`,
          'This is usually transient; re-run the job.',
          { cause: error },
        );
      }
      const text = await response.text();
      if (response.status >= 500 && attempt < attempts) {
        await sleep(1000 * attempt);
        continue;
      }
      if (!response.ok) {
        throw new GitHubIdTokenError(
          `GitHub's ID token service answered HTTP ${response.status}: ${text.slice(0, 200)}`,
          response.status === 401 || response.status === 403
            ? 'The job may lack `permissions: id-token: write`, or its token has expired; re-run the job.'
            : 'Re-run the job; if it keeps failing, check githubstatus.com.',
        );
      }
      let value: unknown;
      try {
        value = (JSON.parse(text) as { value?: unknown }).value;
      } catch {
        value = undefined;
      }
      if (typeof value !== 'string' || value === '') {
        throw new GitHubIdTokenError(
          'GitHub\'s ID token service answered without a token ("value")',
          'Re-run the job.',
        );
      }
      return value;
    }
  }
}

/** Reads the payload of a JWT without verifying it; `undefined` if it is not a JWT. */
export function decodeJwtClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as TokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** The federated credential (issuer, subject, audience) that accepts a token with these claims. */
export function matchingFederatedCredential(claims: TokenClaims | undefined): FederatedCredentialSpec | undefined {
  if (!claims?.iss || !claims.sub) return undefined;
  const audiences =
    claims.aud === undefined ? [defaultOidcAudience] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const name = `github-${claims.sub}`
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '')
    .slice(0, 120);
  return { name, issuer: claims.iss, subject: claims.sub, audiences };
}

// ----- explaining Entra refusals -----

interface SignInContext {
  readonly tenantId: string;
  readonly clientId: string;
  readonly cloud: AzureCloud;
}

const mismatchCodes = new Set(['70021', '700211', '700212', '700213']);
const refusalCodes = new Set([...mismatchCodes, '700016', '700024', '700027', '90002']);

class FederatedCredential implements AzureCredential {
  constructor(
    readonly kind: CredentialKind,
    readonly description: string,
    private readonly inner: TokenCredential,
    private readonly context: SignInContext,
    private readonly tokenLabel: string,
    private readonly claims: () => TokenClaims | undefined,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    try {
      const token = await this.inner.getToken(scopes, options);
      if (!token) throw new Error(`${this.description} returned no access token`);
      return token;
    } catch (error) {
      throw explainSignInFailure(error, this.context, this.tokenLabel, this.claims());
    }
  }
}

function labelled(kind: CredentialKind, description: string, inner: TokenCredential): AzureCredential {
  return { kind, description, getToken: (scopes, options) => inner.getToken(scopes, options) };
}

/** Our own errors pass through; an Entra refusal becomes a `FederatedSignInError`; anything else is returned as is. */
export function explainSignInFailure(
  error: unknown,
  context: SignInContext,
  tokenLabel: string,
  claims: TokenClaims | undefined,
): unknown {
  const ours = findInChain(error, (e) => e instanceof GitHubIdTokenError || e instanceof SignInConfigurationError);
  if (ours) return ours;
  const text = chainText(error);
  const match = /AADSTS(\d+)\b:?\s*([^\r\n]*)/.exec(text);
  if (!match || !refusalCodes.has(match[1]!)) return error;
  const number = match[1]!;
  const code = `AADSTS${number}`;
  const entraSays = `${code}: ${match[2]!.replace(/\s*Trace ID:.*$/i, '').trim()}`;
  const picked = claims ? { iss: claims.iss, sub: claims.sub, aud: claims.aud } : undefined;
  const spec = matchingFederatedCredential(claims);
  const presented = picked
    ? `${tokenLabel} presented: issuer ${picked.iss ?? '(none)'}, subject ${picked.sub ?? '(none)'}, audience ${formatAud(picked.aud)}`
    : `${tokenLabel} presented could not be read`;
  const create = spec
    ? `az ad app federated-credential create --id ${context.clientId} --parameters '${JSON.stringify(spec)}'`
    : undefined;
  const { clientId, tenantId } = context;

  let hint: string;
  if (mismatchCodes.has(number)) {
    hint = create
      ? `Add a federated credential that matches it exactly to the app registration ${clientId} (for a user-assigned managed identity use az identity federated-credential create with the same issuer, subject and audience):\n  ${create}\nThe subject depends on the trigger: a job with an environment gets repo:OWNER/REPO:environment:NAME, a pull request repo:OWNER/REPO:pull_request.`
      : `Add a federated credential to the app registration ${clientId} whose issuer, subject and audience match the token.`;
  } else if (number === '700016') {
    hint = `No application ${clientId} exists in tenant ${tenantId}: check client-id and tenant-id (the app registration's Overview page shows both).${create ? ` Once they are right, its federated credential must match:\n  ${create}` : ''}`;
  } else if (number === '700024') {
    const exp = typeof claims?.exp === 'number' ? ` (it expired at ${new Date(claims.exp * 1000).toISOString()})` : '';
    hint = `The token was outside its validity window when Entra checked it${exp}: check the runner's clock; tokens are requested afresh shortly before they expire.`;
  } else if (number === '700027') {
    hint = `Entra could not verify the token's signature with the keys of its issuer: the federated credential's issuer must be the one that signed it${picked?.iss ? ` (${picked.iss})` : ''}.`;
  } else {
    hint = `Tenant ${tenantId} was not found in ${context.cloud.name}: check tenant-id and the environment/arm-endpoint inputs.`;
  }
  return new FederatedSignInError(
    `Microsoft Entra ID refused to sign in ${clientId} in tenant ${tenantId}: ${entraSays}\n${presented}`,
    hint,
    code,
    picked,
    spec,
    { cause: error },
  );
}

function formatAud(aud: string | string[] | undefined): string {
  if (aud === undefined) return '(none)';
  return Array.isArray(aud) ? aud.join(', ') : aud;
}

function claimsFromFile(path: string): TokenClaims | undefined {
  try {
    return decodeJwtClaims(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function findInChain(error: unknown, test: (e: unknown) => boolean): unknown {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (test(e)) return e;
    e = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

function chainText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const record = e as {
      message?: unknown;
      errorResponse?: { errorDescription?: unknown };
      errorMessage?: unknown;
      cause?: unknown;
    };
    for (const part of [record.message, record.errorResponse?.errorDescription, record.errorMessage]) {
      if (typeof part === 'string') parts.push(part);
    }
    e = record.cause;
  }
  return parts.join('\n');
}
