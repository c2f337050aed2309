import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectToAzure } from '../src/connect.js';
import { readSignInSettings } from '../src/sign-in-inputs.js';
import { router } from './helpers/fake-arm.js';
import { fakeJwt, sendJson, startHttpsServer, type TestServer, trustTestCa } from './helpers/https-server.js';

const CLIENT = '11111111-2222-3333-4444-555555555555';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SUB = '00000000-0000-0000-0000-000000000001';

describe('connectToAzure: inputs → custom cloud → GitHub OIDC → Resource Manager, all over local HTTPS', () => {
  let server: TestServer;
  let restoreTrust: () => void;
  const scopes: string[] = [];

  beforeAll(async () => {
    restoreTrust = trustTestCa();
    server = await startHttpsServer(
      router(() => [
        [
          'GET',
          /^\/metadata\/endpoints$/,
          (_q, res) =>
            sendJson(res, 200, [
              {
                name: 'LocalAzure',
                resourceManager: `${server.url}/`,
                authentication: {
                  loginEndpoint: `${server.url}/entra/`,
                  audiences: ['https://management.local.azure/'],
                },
                suffixes: { storage: 'localhost' },
              },
            ]),
        ],
        [
          'GET',
          /^\/entra\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
          (_q, res, m) => {
            const base = `${server.url}/entra/${m[1]}`;
            sendJson(res, 200, {
              issuer: `${base}/v2.0`,
              authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
              token_endpoint: `${base}/oauth2/v2.0/token`,
              jwks_uri: `${base}/discovery/v2.0/keys`,
            });
          },
        ],
        [
          'POST',
          /^\/entra\/[^/]+\/oauth2\/v2\.0\/token$/,
          (req, res) => {
            scopes.push(new URLSearchParams(req.body).get('scope') ?? '');
            sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: 'local-arm-token' });
          },
        ],
        [
          'GET',
          /^\/github\/idtoken$/,
          (_q, res) => {
            const now = Math.floor(Date.now() / 1000);
            sendJson(res, 200, {
              value: fakeJwt({
                iss: 'https://token.actions.githubusercontent.com',
                sub: 'repo:o/r:ref:refs/heads/main',
                aud: 'api://AzureADTokenExchange',
                exp: now + 300,
              }),
            });
          },
        ],
        [
          'GET',
          /\/resourcegroups\/rg$/i,
          (req, res) =>
            req.headers.authorization === 'Bearer local-arm-token'
              ? sendJson(res, 200, { id: `/subscriptions/${SUB}/resourceGroups/rg`, name: 'rg', location: 'local' })
              : sendJson(res, 401, { error: { code: 'AuthenticationFailed', message: 'no token' } }),
        ],
      ]),
    );
  });
  afterAll(async () => {
    await server.close();
    restoreTrust();
  });

  it('reads a resource group', async () => {
    const env = {
      AZURE_CLIENT_ID: CLIENT,
      AZURE_TENANT_ID: TENANT,
      AZURE_SUBSCRIPTION_ID: SUB,
      AZURE_ARM_ENDPOINT: server.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/github/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime',
    };
    const settings = readSignInSettings({ optional: () => undefined }, env);
    const debug: string[] = [];

    const { cloud, credential, clients } = await connectToAzure(settings, {
      env,
      userAgent: { version: '0.1.0', action: 'connect-arc' },
      logger: { debug: (m) => debug.push(m) },
    });
    const group = await clients.resources().resourceGroups.get('rg');

    expect(cloud).toMatchObject({ name: 'LocalAzure', authorityHost: `${server.url}/entra`, isCustom: true });
    expect(credential.kind).toBe('github-oidc');
    expect(group.name).toBe('rg');
    expect(scopes).toEqual([expect.stringContaining('https://management.local.azure//.default')]);
    expect(debug[0]).toBe(
      `Azure: LocalAzure (${server.url}), signing in with GitHub OIDC as ${CLIENT} in tenant ${TENANT}`,
    );
    expect(debug.join('\n')).not.toContain('local-arm-token');
  });
});
