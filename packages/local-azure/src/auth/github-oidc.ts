// GitHub's OIDC issuer for Actions: the ID-token request service behind
// ACTIONS_ID_TOKEN_REQUEST_URL (a bearer request token required) and the JWKS, minting tokens
// with GitHub's claim layout. Each request token stands for a claim set: the default one from the
// config, or one minted through the admin API to act as another branch, environment or time.

import { randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../arm/contract.js';
import type { GitHubClaimsConfig } from '../config/types.js';
import { type HttpAnswer, type HttpRequest, header, json } from '../http/types.js';
import type { SigningKey } from './signing-keys.js';

/** What a minted request token changes in the ID tokens it gets. */
export interface RequestTokenSpec {
  /**
   * Claim overrides. `repository`, `ref`, `environment` (null removes it), `sha`, `workflow` (file
   * name) and `event_name` are applied before the derived claims (sub, workflow_ref, …) are built;
   * any other claim, `sub`, `iss` and `aud` included, replaces the built value.
   */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Seconds from issue to expiry; negative mints already-expired tokens. Default 300. */
  readonly lifetimeSeconds?: number;
}

const DEFAULT_LIFETIME_SECONDS = 300;
const BASE_FIELDS = ['repository', 'ref', 'environment', 'sha', 'workflow', 'event_name'] as const;

export class GitHubOidcIssuer {
  readonly #requestTokens = new Map<string, RequestTokenSpec>();

  constructor(
    /** e.g. https://127.0.0.1:47443/github */
    readonly issuer: string,
    private readonly key: SigningKey,
    private readonly defaults: GitHubClaimsConfig,
    private readonly clock: Clock,
    /** The request token written into the env file: default claims. */
    readonly defaultRequestToken: string,
  ) {
    this.#requestTokens.set(defaultRequestToken, {});
  }

  /** The key ID tokens are verified with (what the JWKS publishes). */
  get publicKey(): webcrypto.CryptoKey {
    return this.key.publicKey;
  }

  get keyId(): string {
    return this.key.kid;
  }

  /** ACTIONS_ID_TOKEN_REQUEST_URL: clients append `&audience=…`. */
  get requestUrl(): string {
    return `${this.issuer}/token?api-version=2.0`;
  }

  mintRequestToken(spec: RequestTokenSpec = {}): string {
    const token = `ghrt_${randomBytes(24).toString('base64url')}`;
    this.#requestTokens.set(token, structuredClone(spec));
    return token;
  }

  /** Builds and signs an ID token for a request token's claim set. */
  async idToken(spec: RequestTokenSpec, audience: string | undefined): Promise<string> {
    const claims = this.claims(spec, audience);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.key.kid, x5t: this.key.kid })
      .sign(this.key.privateKey);
  }

  claims(spec: RequestTokenSpec, audience: string | undefined): Record<string, unknown> {
    const overrides = spec.claims ?? {};
    const base: Record<string, unknown> = { ...this.defaults, event_name: 'push' };
    for (const field of BASE_FIELDS) if (field in overrides) base[field] = overrides[field];
    const repository = String(base.repository);
    const ref = String(base.ref);
    const environment = typeof base.environment === 'string' && base.environment ? base.environment : undefined;
    const eventName = String(base.event_name);
    const workflowFile = String(base.workflow);
    const owner = repository.split('/')[0] ?? repository;
    const workflowRef = `${repository}/.github/workflows/${workflowFile}@${ref}`;
    const now = Math.floor(this.clock.now() / 1000);
    const lifetime = spec.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    // an already-expired token was issued one default lifetime before it expired
    const issuedAt = lifetime >= 0 ? now : now + lifetime - DEFAULT_LIFETIME_SECONDS;
    const subject = environment
      ? `repo:${repository}:environment:${environment}`
      : eventName === 'pull_request'
        ? `repo:${repository}:pull_request`
        : `repo:${repository}:ref:${ref}`;
    const built: Record<string, unknown> = {
      jti: randomUUID(),
      sub: subject,
      aud: audience ?? `https://github.com/${owner}`,
      ref,
      sha: base.sha,
      repository,
      repository_owner: owner,
      repository_owner_id: '1000001',
      repository_id: '2000002',
      repository_visibility: 'private',
      run_id: String(8000000000 + (now % 1000000)),
      run_number: '1',
      run_attempt: '1',
      runner_environment: 'self-hosted',
      actor: 'arc-ml-local',
      actor_id: '3000003',
      workflow: workflowFile.replace(/\.ya?ml$/, ''),
      head_ref: '',
      base_ref: '',
      event_name: eventName,
      ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      ref_protected: 'false',
      workflow_ref: workflowRef,
      workflow_sha: base.sha,
      job_workflow_ref: workflowRef,
      job_workflow_sha: base.sha,
      ...(environment ? { environment } : {}),
      iss: this.issuer,
      nbf: issuedAt - 600,
      exp: now + lifetime,
      iat: issuedAt,
    };
    for (const [claim, value] of Object.entries(overrides)) {
      if ((BASE_FIELDS as readonly string[]).includes(claim)) continue;
      if (value === null) delete built[claim];
      else built[claim] = value;
    }
    return built;
  }

  openIdConfiguration(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'ref',
        'sha',
        'repository',
        'repository_id',
        'repository_owner',
        'repository_owner_id',
        'run_id',
        'run_number',
        'run_attempt',
        'actor',
        'actor_id',
        'workflow',
        'workflow_ref',
        'workflow_sha',
        'head_ref',
        'base_ref',
        'event_name',
        'ref_type',
        'ref_protected',
        'environment',
        'job_workflow_ref',
        'job_workflow_sha',
        'repository_visibility',
        'runner_environment',
      ],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    };
  }

  jwks(): { keys: unknown[] } {
    return { keys: [{ ...this.key.publicJwk, x5t: this.key.kid }] };
  }

  /** Serves `/github/...` (the path below the issuer). */
  async handle(req: HttpRequest, subPath: string): Promise<HttpAnswer> {
    if (req.method !== 'GET') return json(405, { message: 'Method not allowed' });
    switch (subPath) {
      case '/.well-known/openid-configuration':
        return json(200, this.openIdConfiguration());
      case '/.well-known/jwks':
        return json(200, this.jwks());
      case '/token':
        return this.#token(req);
      default:
        return json(404, { message: 'Not Found' });
    }
  }

  async #token(req: HttpRequest): Promise<HttpAnswer> {
    const authorization = header(req, 'authorization') ?? '';
    const match = /^bearer\s+(.+)$/i.exec(authorization.trim());
    const spec = match?.[1] ? this.#requestTokens.get(match[1]) : undefined;
    if (!spec) {
      return json(401, {
        message: match
          ? 'The request token is not valid for this run. Request tokens come from ACTIONS_ID_TOKEN_REQUEST_TOKEN.'
          : "Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN> is required. Does the job have 'permissions: id-token: write'?",
      });
    }
    const audience = req.url.searchParams.get('audience') ?? undefined;
    return json(200, { value: await this.idToken(spec, audience) });
  }
}
