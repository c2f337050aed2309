// Microsoft Entra ID for one tenant: OpenID configuration, JWKS, and the token endpoint for
// client_credentials with a federated client_assertion. The assertion is checked as Entra does it
// (time range, issuer, signature against the issuer's JWKS, subject, audience against the app's
// federated identity credentials) and refused with Entra's error codes; access tokens are signed
// v1 JWTs that Resource Manager verifies.

import { randomUUID } from 'node:crypto';
import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Caller, Clock } from '../arm/contract.js';
import type { AppRegistrationConfig, LocalAzureConfig } from '../config/types.js';
import { type HttpAnswer, type HttpRequest, header, json } from '../http/types.js';
import type { GitHubOidcIssuer } from './github-oidc.js';
import type { SigningKey } from './signing-keys.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FIC_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
const ACCESS_TOKEN_SECONDS = 3599;
const CLOCK_SKEW_SECONDS = 300;

/** An Entra token-endpoint refusal: `error` (OAuth code), AADSTS number, HTTP status. */
class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Why Resource Manager refuses a bearer token (its 401 code and message). */
export class AccessTokenError extends Error {
  constructor(
    readonly code:
      | 'AuthenticationFailed'
      | 'InvalidAuthenticationToken'
      | 'InvalidAuthenticationTokenTenant'
      | 'ExpiredAuthenticationToken',
    message: string,
    /** For the WWW-Authenticate error_description. */
    readonly description: string = message,
  ) {
    super(message);
  }
}

export interface EntraOptions {
  readonly baseUrl: string;
  readonly config: LocalAzureConfig;
  readonly key: SigningKey;
  readonly github: GitHubOidcIssuer;
  readonly clock: Clock;
  /** Audiences Resource Manager accepts (the first is what the cloud metadata names first). */
  readonly armAudiences: readonly string[];
  /** Other resources tokens may be asked for (storage, Azure ML data plane). */
  readonly otherResources?: readonly string[];
}

export class EntraId {
  readonly tenantId: string;

  constructor(private readonly options: EntraOptions) {
    this.tenantId = options.config.tenantId;
  }

  get stsIssuer(): string {
    return `https://sts.windows.net/${this.tenantId}/`;
  }

  /** Serves `/{tenant}/...`; answers undefined when the path is not Entra's. */
  async handle(req: HttpRequest, segments: readonly string[]): Promise<HttpAnswer | undefined> {
    const [tenant = '', ...rest] = segments;
    const path = `/${rest.join('/')}`.toLowerCase();
    const correlationId = header(req, 'client-request-id') ?? randomUUID();
    const known = [
      '/v2.0/.well-known/openid-configuration',
      '/.well-known/openid-configuration',
      '/discovery/v2.0/keys',
      '/discovery/keys',
      '/oauth2/v2.0/token',
      '/oauth2/token',
      '/discovery/instance',
    ];
    if (!known.includes(path)) return undefined;
    try {
      if (path === '/discovery/instance' && tenant.toLowerCase() === 'common') return json(200, this.#instance(req));
      const tenantId = this.#tenant(tenant, path.includes('token'));
      switch (path) {
        case '/v2.0/.well-known/openid-configuration':
          return json(200, this.openIdConfiguration(tenantId, 'v2.0'));
        case '/.well-known/openid-configuration':
          return json(200, this.openIdConfiguration(tenantId, 'v1'));
        case '/discovery/v2.0/keys':
        case '/discovery/keys':
          return json(200, { keys: [{ ...this.options.key.publicJwk, x5t: this.options.key.kid }] });
        case '/oauth2/v2.0/token':
        case '/oauth2/token':
          if (req.method !== 'POST') {
            throw new EntraError(
              400,
              'invalid_request',
              900561,
              'The endpoint only accepts POST requests. Received a GET request.',
            );
          }
          return json(200, await this.#token(req, path === '/oauth2/token'), { 'Cache-Control': 'no-store, no-cache' });
        default:
          return undefined;
      }
    } catch (error) {
      if (!(error instanceof EntraError)) throw error;
      return json(error.status, this.#errorBody(error, correlationId), { 'Cache-Control': 'no-store, no-cache' });
    }
  }

  openIdConfiguration(tenant: string, version: 'v1' | 'v2.0'): Record<string, unknown> {
    const base = this.options.baseUrl;
    const t = tenant;
    const issuerTenant = tenant === this.tenantId ? tenant : '{tenantid}';
    if (version === 'v1') {
      return {
        token_endpoint: `${base}/${t}/oauth2/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/${t}/discovery/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
        scopes_supported: ['openid'],
        issuer: `https://sts.windows.net/${issuerTenant}/`,
        authorization_endpoint: `${base}/${t}/oauth2/authorize`,
        tenant_region_scope: 'NA',
        cloud_instance_name: 'local.arc-ml',
      };
    }
    return {
      token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'local.arc-ml',
      cloud_graph_host_name: 'graph.local.arc-ml',
      msgraph_host: 'graph.local.arc-ml',
    };
  }

  /** Signs an access token for an app (used by the token endpoint and the admin API). */
  async issueAccessToken(
    app: AppRegistrationConfig,
    resource: string,
    lifetimeSeconds = ACCESS_TOKEN_SECONDS,
  ): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(this.options.clock.now() / 1000);
    const issuedAt = lifetimeSeconds >= 0 ? now : now + lifetimeSeconds - ACCESS_TOKEN_SECONDS;
    const token = await new SignJWT({
      aud: resource,
      iss: this.stsIssuer,
      iat: issuedAt,
      nbf: issuedAt,
      exp: now + lifetimeSeconds,
      aio: randomUUID(),
      appid: app.clientId,
      appidacr: '2',
      idp: this.stsIssuer,
      idtyp: 'app',
      oid: app.objectId,
      rh: `0.${randomUUID()}.`,
      sub: app.objectId,
      tid: this.tenantId,
      uti: randomUUID().replaceAll('-', '').slice(0, 22),
      ver: '1.0',
    })
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: this.options.key.kid, x5t: this.options.key.kid })
      .sign(this.options.key.privateKey);
    return { token, expiresIn: lifetimeSeconds };
  }

  findApp(clientId: string): AppRegistrationConfig | undefined {
    return this.options.config.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  /** Verifies a bearer token for Resource Manager and names its caller. */
  async verifyAccessToken(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.options.key.publicKey, {
        algorithms: ['RS256'],
        currentDate: new Date(this.options.clock.now()),
        clockTolerance: 0,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        const exp = Number((error.payload as JWTPayload).exp ?? 0) * 1000;
        const message = `The access token expiry UTC time '${dotNetTime(exp)}' is earlier than current UTC time '${dotNetTime(this.options.clock.now())}'.`;
        throw new AccessTokenError('ExpiredAuthenticationToken', message);
      }
      const malformed = error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid;
      throw new AccessTokenError(
        'InvalidAuthenticationToken',
        malformed ? 'The access token is invalid.' : 'The access token signature is invalid.',
      );
    }
    if (payload.iss !== this.stsIssuer || payload.tid !== this.tenantId) {
      throw new AccessTokenError(
        'InvalidAuthenticationTokenTenant',
        `The access token is from the wrong issuer '${String(payload.iss)}'. It must match the tenant '${this.stsIssuer}' associated with this subscription. Please use the authority (URL) '${this.options.baseUrl}/${this.tenantId}' to get the token.`,
      );
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ''];
    const allowed = this.options.armAudiences.map(trimSlash);
    if (!audiences.some((aud) => allowed.includes(trimSlash(aud)))) {
      throw new AccessTokenError(
        'InvalidAuthenticationToken',
        `The access token has been obtained for wrong audience or resource '${audiences.join(',')}'. It should exactly match with one of the allowed audiences '${this.options.armAudiences.join("','")}'.`,
      );
    }
    const clientId = String(payload.appid ?? '');
    const objectId = String(payload.oid ?? '');
    if (!clientId || !objectId) {
      throw new AccessTokenError(
        'InvalidAuthenticationToken',
        "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be present.",
      );
    }
    return { clientId, objectId, tenantId: this.tenantId };
  }

  #tenant(segment: string, forToken: boolean): string {
    const lower = segment.toLowerCase();
    if (lower === this.tenantId.toLowerCase()) return this.tenantId;
    if (['common', 'organizations'].includes(lower)) {
      if (forToken) {
        throw new EntraError(
          400,
          'invalid_request',
          50059,
          'No tenant-identifying information found in either the request or implied by any provided credentials.',
        );
      }
      return lower;
    }
    throw new EntraError(
      400,
      'invalid_request',
      90002,
      `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  }

  async #token(req: HttpRequest, v1: boolean): Promise<Record<string, unknown>> {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const required = (name: string, code = 900144) => {
      const value = form.get(name);
      if (!value) {
        throw new EntraError(
          400,
          'invalid_request',
          code,
          `The request body must contain the following parameter: '${name}'.`,
        );
      }
      return value;
    };
    const grantType = required('grant_type');
    if (grantType !== 'client_credentials') {
      throw new EntraError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'. Local Azure's Entra ID serves client_credentials with a federated client_assertion.`,
      );
    }
    const clientId = required('client_id');
    const app = this.findApp(clientId);
    if (!app) {
      throw new EntraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    if (form.get('client_secret')) {
      throw new EntraError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    const assertion = form.get('client_assertion');
    if (!assertion) {
      throw new EntraError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    const assertionType = required('client_assertion_type');
    if (assertionType !== JWT_BEARER) {
      throw new EntraError(
        400,
        'invalid_request',
        50027,
        `Invalid client_assertion_type '${assertionType}': expected '${JWT_BEARER}'.`,
      );
    }
    const resource = this.#resource(form, v1);
    await this.#checkAssertion(app, assertion);
    const { token, expiresIn } = await this.issueAccessToken(app, resource);
    const expiresOn = Math.floor(this.options.clock.now() / 1000) + expiresIn;
    return v1
      ? {
          token_type: 'Bearer',
          expires_in: String(expiresIn),
          ext_expires_in: String(expiresIn),
          expires_on: String(expiresOn),
          not_before: String(expiresOn - expiresIn),
          resource,
          access_token: token,
        }
      : { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
  }

  /** The resource a token is asked for: `scope` = '<resource>/.default' (v2) or `resource` (v1). */
  #resource(form: URLSearchParams, v1: boolean): string {
    let resource: string;
    if (v1) {
      resource = form.get('resource') ?? '';
      if (!resource) {
        throw new EntraError(
          400,
          'invalid_request',
          900144,
          "The request body must contain the following parameter: 'resource'.",
        );
      }
    } else {
      const scope = form.get('scope');
      if (!scope) {
        throw new EntraError(
          400,
          'invalid_request',
          90014,
          "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request.",
        );
      }
      const scopes = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
      const first = scopes[0] ?? '';
      if (scopes.length !== 1 || !first.endsWith('/.default')) {
        throw new EntraError(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      }
      resource = first.slice(0, -'/.default'.length);
    }
    const known = [...this.options.armAudiences, ...(this.options.otherResources ?? [])].map(trimSlash);
    if (!known.includes(trimSlash(resource))) {
      throw new EntraError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${this.options.config.subscriptionName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant. Resources here: ${known.join(', ')}.`,
      );
    }
    return resource;
  }

  async #checkAssertion(app: AppRegistrationConfig, assertion: string): Promise<void> {
    let claims: JWTPayload;
    try {
      decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      throw new EntraError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
    }
    const now = Math.floor(this.options.clock.now() / 1000);
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : typeof claims.iat === 'number' ? claims.iat : 0;
    if (exp <= now - CLOCK_SKEW_SECONDS || nbf > now + CLOCK_SKEW_SECONDS) {
      throw new EntraError(
        401,
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${isoTime(now * 1000)}, assertion valid from ${isoTime(nbf * 1000)}, expiry time of assertion ${isoTime(exp * 1000)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
      );
    }
    const issuer = String(claims.iss ?? '');
    const byIssuer = app.federatedCredentials.filter((fic) => fic.issuer === issuer);
    if (byIssuer.length === 0) {
      throw new EntraError(
        401,
        'invalid_client',
        700211,
        `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FIC_DOCS}`,
      );
    }
    await this.#checkSignature(issuer, assertion);
    const subject = String(claims.sub ?? '');
    const bySubject = byIssuer.filter((fic) => fic.subject === subject);
    if (bySubject.length === 0) {
      throw new EntraError(
        401,
        'invalid_client',
        700213,
        `No matching federated identity record found for presented assertion subject '${subject}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FIC_DOCS}`,
      );
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [String(claims.aud ?? '')];
    if (!bySubject.some((fic) => fic.audiences.some((a) => audiences.includes(a)))) {
      throw new EntraError(
        401,
        'invalid_client',
        700212,
        `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FIC_DOCS}`,
      );
    }
  }

  async #checkSignature(issuer: string, assertion: string): Promise<void> {
    const github = this.options.github;
    if (issuer !== github.issuer) {
      throw new EntraError(
        401,
        'invalid_client',
        50166,
        `Request to External OIDC endpoint failed. Local Azure verifies assertions only from its own GitHub issuer '${github.issuer}', not '${issuer}'.`,
      );
    }
    try {
      const { kid } = decodeProtectedHeader(assertion);
      if (kid && kid !== github.keyId) throw new Error('The key was not found.');
      await compactVerify(assertion, github.publicKey);
    } catch (error) {
      const reason =
        error instanceof Error && error.message === 'The key was not found.'
          ? 'The key was not found.'
          : 'Key was found, but use of the key to verify the signature failed.';
      throw new EntraError(
        401,
        'invalid_client',
        700027,
        `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${decodeProtectedHeader(assertion).kid ?? ''}']`,
      );
    }
  }

  #instance(req: HttpRequest): Record<string, unknown> {
    const host = new URL(this.options.baseUrl).host;
    const authority = req.url.searchParams.get('authorization_endpoint') ?? `${this.options.baseUrl}/${this.tenantId}`;
    const tenant = new URL(authority).pathname.split('/')[1] ?? this.tenantId;
    return {
      tenant_discovery_endpoint: `${this.options.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  }

  #errorBody(error: EntraError, correlationId: string): Record<string, unknown> {
    const traceId = randomUUID();
    const timestamp = entraTimestamp(this.options.clock.now());
    return {
      error: error.error,
      error_description: `AADSTS${error.code}: ${error.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [error.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${this.options.baseUrl}/error?code=${error.code}`,
    };
  }
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '').toLowerCase();
}

/** Entra's timestamp format: 2024-03-01 07:41:07Z */
function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** Entra's time format in AADSTS700024: 2024-10-02T22:05:03.6755165Z */
function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d+)Z$/, (_, f: string) => `.${f.padEnd(7, '0')}Z`);
}

/** ARM's (.NET en-US) time format in ExpiredAuthenticationToken: 5/23/2023 9:40:56 AM */
function dotNetTime(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hours % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}
