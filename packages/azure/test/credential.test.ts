import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { AzureCloud } from '../src/clouds.js';
import { AzureCloud as PublicCloud } from '../src/clouds.js';
import {
  createCredential,
  decodeJwtClaims,
  FederatedSignInError,
  GitHubIdTokenError,
  GitHubIdTokenProvider,
  matchingFederatedCredential,
  SignInConfigurationError,
} from '../src/credential.js';
import { fakeTime } from '../src/testing.js';
import { type Route, router } from './helpers/fake-arm.js';
import { fakeJwt, sendJson, startHttpsServer, type TestServer, trustTestCa } from './helpers/https-server.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'repo:octo/app:ref:refs/heads/main';
const REQUEST_URL = 'https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0';

/** A fake of GitHub's ID token service: answers with JWTs that expire `lifetimeS` after the fake clock's now. */
function fakeGitHub(time: ReturnType<typeof fakeTime>, lifetimeS = 300) {
  const calls: Array<{ url: string; authorization: string | undefined }> = [];
  const answers: Array<() => Response> = [];
  const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    calls.push({ url, authorization: new Headers(init?.headers).get('authorization') ?? undefined });
    const scripted = answers.shift();
    if (scripted) return scripted();
    const iat = Math.floor(time.clock.now() / 1000);
    const token = fakeJwt({
      iss: ISSUER,
      sub: SUBJECT,
      aud: 'api://AzureADTokenExchange',
      iat,
      exp: iat + lifetimeS,
      n: calls.length,
    });
    return new Response(JSON.stringify({ count: 1, value: token }), { status: 200 });
  };
  return { calls, answers, fetch };
}

describe('GitHubIdTokenProvider', () => {
  it('asks GitHub with the audience and the request token, then reuses the ID token until shortly before it expires', async () => {
    const time = fakeTime();
    const github = fakeGitHub(time, 300);
    const provider = new GitHubIdTokenProvider({
      requestUrl: REQUEST_URL,
      requestToken: 'runtime-token',
      audience: 'api://AzureADTokenExchange',
      fetch: github.fetch,
      clock: time.clock,
    });

    const first = await provider.getToken();
    // @azure/identity asks twice per access token; the second ask is served from the cache.
    expect(await provider.getToken()).toBe(first);
    time.advance(239_000);
    expect(await provider.getToken()).toBe(first);
    expect(github.calls).toEqual([
      { url: `${REQUEST_URL}&audience=api%3A%2F%2FAzureADTokenExchange`, authorization: 'bearer runtime-token' },
    ]);

    time.advance(1000); // 60 s before exp: refresh
    const second = await provider.getToken();
    expect(second).not.toBe(first);
    expect(decodeJwtClaims(second)).toMatchObject({ n: 2 });
    expect(github.calls).toHaveLength(2);
    expect(provider.lastClaims).toMatchObject({ iss: ISSUER, sub: SUBJECT });
  });

  it('refreshes earlier when told to', async () => {
    const time = fakeTime();
    const github = fakeGitHub(time, 300);
    const provider = new GitHubIdTokenProvider({
      requestUrl: REQUEST_URL,
      requestToken: 't',
      audience: 'custom-audience',
      fetch: github.fetch,
      clock: time.clock,
      refreshBeforeExpiryMs: 200_000,
    });
    await provider.getToken();
    time.advance(100_000);
    await provider.getToken();
    expect(github.calls).toHaveLength(2);
    expect(github.calls[0]?.url).toContain('&audience=custom-audience');
  });

  it('shares one request between concurrent callers', async () => {
    const time = fakeTime();
    const github = fakeGitHub(time);
    const provider = new GitHubIdTokenProvider({
      requestUrl: REQUEST_URL,
      requestToken: 't',
      audience: 'a',
      fetch: github.fetch,
      clock: time.clock,
    });
    const [a, b] = await Promise.all([provider.getToken(), provider.getToken()]);
    expect(a).toBe(b);
    expect(github.calls).toHaveLength(1);
  });

  it('retries GitHub 5xx with the injected sleep', async () => {
    const time = fakeTime();
    const github = fakeGitHub(time);
    github.answers.push(() => new Response('busy', { status: 503 }));
    const provider = new GitHubIdTokenProvider({
      requestUrl: REQUEST_URL,
      requestToken: 't',
      audience: 'a',
      fetch: github.fetch,
      clock: time.clock,
      sleep: time.sleep,
    });
    await provider.getToken();
    expect(github.calls).toHaveLength(2);
    expect(time.sleeps).toEqual([1000]);
  });

  it.each<[string, () => Response, RegExp]>([
    ['a refusal', () => new Response('{"message":"no"}', { status: 403 }), /HTTP 403/],
    ['no token in the answer', () => new Response('{"count":0}', { status: 200 }), /without a token/],
  ])('fails with a GitHubIdTokenError on %s', async (_case, answer, message) => {
    const time = fakeTime();
    const github = fakeGitHub(time);
    github.answers.push(answer);
    const provider = new GitHubIdTokenProvider({
      requestUrl: REQUEST_URL,
      requestToken: 't',
      audience: 'a',
      fetch: github.fetch,
      clock: time.clock,
    });
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubIdTokenError);
    expect((error as Error).message).toMatch(message);
    expect((error as GitHubIdTokenError).hint).toBeTruthy();
  });
});

describe('createCredential picks how to sign in', () => {
  const settings = { tenantId: TENANT, clientId: CLIENT, cloud: PublicCloud };
  const github = { ACTIONS_ID_TOKEN_REQUEST_URL: REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };

  it.each<[string, Record<string, string>, { clientSecret?: string }, string]>([
    ['GitHub OIDC in a job with id-token: write', github, {}, 'github-oidc'],
    [
      'workload identity when AZURE_FEDERATED_TOKEN_FILE is set',
      { ...github, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' },
      {},
      'workload-identity',
    ],
    ['a client secret only when given explicitly', github, { clientSecret: 'shh' }, 'client-secret'],
  ])('%s', (_case, env, extra, kind) => {
    const credential = createCredential({ ...settings, ...extra }, env);
    expect(credential.kind).toBe(kind);
    expect(credential.description).toContain(CLIENT);
    expect(credential.description).not.toContain('shh');
  });

  it.each([
    ['ACTIONS_ID_TOKEN_REQUEST_URL', {}],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', { ACTIONS_ID_TOKEN_REQUEST_URL: REQUEST_URL }],
  ])('without %s it says to add permissions: id-token: write', (variable, env) => {
    const error = (() => {
      try {
        createCredential(settings, env);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as SignInConfigurationError;
    expect(error).toBeInstanceOf(SignInConfigurationError);
    expect(error.message).toContain(`${variable} is not set`);
    expect(error.hint).toContain('permissions: { id-token: write, contents: read }');
    expect(error.hint).toMatch(/forks never get an ID token/);
  });

  it('names a missing tenant-id', () => {
    expect(() => createCredential({ ...settings, tenantId: ' ' }, github)).toThrow(/tenant-id is empty/);
  });
});

describe('GitHub OIDC sign-in against a local HTTPS Entra ID', () => {
  let server: TestServer;
  let restoreTrust: () => void;
  let tokenAnswer: Route[2];
  const tokenRequests: URLSearchParams[] = [];
  let githubRequests = 0;

  beforeAll(async () => {
    restoreTrust = trustTestCa();
    server = await startHttpsServer(
      router(() => [
        [
          'GET',
          /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
          (_q, res, m) => {
            const base = `${server.url}/${m[1]}`;
            sendJson(res, 200, {
              issuer: `${base}/v2.0`,
              authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
              token_endpoint: `${base}/oauth2/v2.0/token`,
              end_session_endpoint: `${base}/oauth2/v2.0/logout`,
              jwks_uri: `${base}/discovery/v2.0/keys`,
              response_types_supported: ['code', 'id_token', 'token'],
            });
          },
        ],
        [
          'POST',
          /^\/[^/]+\/oauth2\/v2\.0\/token$/,
          (req, res, m) => {
            tokenRequests.push(new URLSearchParams(req.body));
            tokenAnswer(req, res, m);
          },
        ],
        [
          'GET',
          /^\/github\/idtoken$/,
          (req, res) => {
            githubRequests++;
            const audience = new URL(req.url, server.url).searchParams.get('audience');
            const now = Math.floor(Date.now() / 1000);
            sendJson(res, 200, {
              value: fakeJwt({ iss: ISSUER, sub: SUBJECT, aud: audience, iat: now, exp: now + 300 }),
            });
          },
        ],
      ]),
    );
  });
  afterAll(async () => {
    await server.close();
    restoreTrust();
  });
  beforeEach(() => {
    tokenRequests.length = 0;
    githubRequests = 0;
  });

  const cloud = (): AzureCloud => ({
    name: 'LocalAzure',
    resourceManagerEndpoint: server.url,
    authorityHost: server.url,
    resourceManagerAudience: `${server.url}/`,
    storageEndpointSuffix: 'localhost',
    isCustom: true,
  });
  const env = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/github/idtoken?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token',
  });

  it('exchanges a fresh GitHub ID token for an access token', async () => {
    tokenAnswer = (_q, res) =>
      sendJson(res, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: 'arm-access-token',
      });
    const credential = createCredential({ tenantId: TENANT, clientId: CLIENT, cloud: cloud() }, env());

    const token = await credential.getToken(`${server.url}//.default`);

    expect(token?.token).toBe('arm-access-token');
    expect(githubRequests).toBe(1);
    const form = tokenRequests[0]!;
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_id')).toBe(CLIENT);
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(decodeJwtClaims(form.get('client_assertion') ?? '')).toMatchObject({
      iss: ISSUER,
      sub: SUBJECT,
      aud: 'api://AzureADTokenExchange',
    });
  });

  it('explains AADSTS700213 with the token claims and the federated credential that would match — never the token', async () => {
    tokenAnswer = (_q, res) =>
      sendJson(res, 400, {
        error: 'invalid_client',
        error_description: `AADSTS700213: No matching federated identity record found for presented assertion subject '${SUBJECT}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. Trace ID: abc Correlation ID: def Timestamp: 2025-01-01 00:00:00Z`,
        error_codes: [700213],
      });
    const credential = createCredential(
      { tenantId: TENANT, clientId: CLIENT, cloud: cloud(), audience: 'api://LocalAzure' },
      env(),
    );

    const error = (await credential
      .getToken(`${server.url}//.default`)
      .catch((e: unknown) => e)) as FederatedSignInError;

    expect(error).toBeInstanceOf(FederatedSignInError);
    expect(error.code).toBe('AADSTS700213');
    expect(error.claims).toEqual({ iss: ISSUER, sub: SUBJECT, aud: 'api://LocalAzure' });
    expect(error.matchingCredential).toEqual({
      name: 'github-repo-octo-app-ref-refs-heads-main',
      issuer: ISSUER,
      subject: SUBJECT,
      audiences: ['api://LocalAzure'],
    });
    expect(error.message).toContain(
      `Microsoft Entra ID refused to sign in ${CLIENT} in tenant ${TENANT}: AADSTS700213: No matching federated identity record`,
    );
    expect(error.message).toContain(
      `the GitHub ID token presented: issuer ${ISSUER}, subject ${SUBJECT}, audience api://LocalAzure`,
    );
    expect(error.message).not.toContain('Trace ID');
    expect(error.hint).toContain(
      `az ad app federated-credential create --id ${CLIENT} --parameters '{"name":"github-repo-octo-app-ref-refs-heads-main","issuer":"${ISSUER}","subject":"${SUBJECT}","audiences":["api://LocalAzure"]}'`,
    );
    const assertion = tokenRequests[0]?.get('client_assertion') ?? '';
    expect(assertion).not.toBe('');
    expect(`${error.message}\n${error.hint}`).not.toContain(assertion.split('.')[1]!);
  });

  it.each<[string, number, RegExp]>([
    [
      'AADSTS700016',
      700016,
      /No application 11111111-2222-3333-4444-555555555555 exists in tenant .*: check client-id and tenant-id/,
    ],
    ['AADSTS700024', 700024, /outside its validity window/],
    ['AADSTS70021', 70021, /Add a federated credential that matches it exactly/],
  ])('explains %s', async (code, number, hint) => {
    tokenAnswer = (_q, res) =>
      sendJson(res, 400, {
        error: 'invalid_client',
        error_description: `${code}: refused. Trace ID: x`,
        error_codes: [number],
      });
    const credential = createCredential({ tenantId: TENANT, clientId: CLIENT, cloud: cloud() }, env());
    const error = (await credential
      .getToken(`${server.url}//.default`)
      .catch((e: unknown) => e)) as FederatedSignInError;
    expect(error).toBeInstanceOf(FederatedSignInError);
    expect(error.code).toBe(code);
    expect(error.hint).toMatch(hint);
  });
});

describe('matchingFederatedCredential', () => {
  it.each([
    [
      { iss: ISSUER, sub: 'repo:octo/app:environment:Production', aud: 'api://AzureADTokenExchange' },
      'github-repo-octo-app-environment-Production',
      ['api://AzureADTokenExchange'],
    ],
    [
      { iss: ISSUER, sub: 'repo:octo/app:pull_request', aud: ['a', 'b'] },
      'github-repo-octo-app-pull_request',
      ['a', 'b'],
    ],
  ])('%j', (claims, name, audiences) => {
    expect(matchingFederatedCredential(claims)).toEqual({ name, issuer: ISSUER, subject: claims.sub, audiences });
  });

  it('needs an issuer and a subject', () => {
    expect(matchingFederatedCredential({ sub: 'x' })).toBeUndefined();
    expect(matchingFederatedCredential(undefined)).toBeUndefined();
  });
});

describe('decodeJwtClaims', () => {
  it.each([
    ['not a jwt', undefined],
    ['a.b.c', undefined],
    [fakeJwt({ sub: 'x' }), { sub: 'x' }],
  ])('%s', (token, expected) => {
    expect(decodeJwtClaims(token)).toEqual(expected);
  });
});
