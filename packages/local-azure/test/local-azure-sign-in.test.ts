// Sign-in as the actions do it: GitHub's ID-token service → Entra's token endpoint (through the
// official ClientAssertionCredential) → Resource Manager; and every way that path refuses.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import type { LocalAzure } from '../src/local-azure.js';
import {
  armToken,
  call,
  FEDERATION_AUDIENCE,
  githubIdToken,
  resourcesClient,
  startTestAzure,
} from './local-azure-support.js';

let azure: LocalAzure;

beforeAll(async () => {
  azure = await startTestAzure();
});

afterAll(async () => {
  await azure?.stop();
});

async function tokenRequest(form: Record<string, string>, tenant = azure.tenantId) {
  return call(azure, 'POST', `/${tenant}/oauth2/v2.0/token`, {
    rawBody: new URLSearchParams(form).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

async function assertionForm(assertion: string, clientId = azure.clientId) {
  return {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: `${azure.armAudience}.default`,
  };
}

function entraError(body: unknown): { error: string; error_description: string; error_codes: number[] } {
  return body as { error: string; error_description: string; error_codes: number[] };
}

describe('cloud metadata', () => {
  it('describes local Azure as a custom cloud with its login endpoint and audience', async () => {
    const answer = await call(azure, 'GET', '/metadata/endpoints?api-version=2022-09-01');
    expect(answer.status).toBe(200);
    const [cloud] = answer.body as Record<string, unknown>[];
    expect(cloud).toMatchObject({
      name: 'ArcMlLocal',
      resourceManager: `${azure.baseUrl}/`,
      authentication: { loginEndpoint: azure.baseUrl, tenant: 'common', identityProvider: 'AAD' },
    });
    expect((cloud?.authentication as { audiences?: string[] } | undefined)?.audiences?.[0]).toBe(azure.armAudience);
  });
});

describe('GitHub OIDC issuer', () => {
  it('publishes its OpenID configuration and keys', async () => {
    const config = await call(azure, 'GET', '/github/.well-known/openid-configuration');
    expect(config.body).toMatchObject({ issuer: azure.oidcIssuer, jwks_uri: `${azure.oidcIssuer}/.well-known/jwks` });
    const jwks = (await call(azure, 'GET', '/github/.well-known/jwks')).body as {
      keys: { kid: string; kty: string }[];
    };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it("mints ID tokens with GitHub's claim layout for the configured repository and branch", async () => {
    const claims = decodeJwt(await githubIdToken(azure));
    expect(claims).toMatchObject({
      iss: azure.oidcIssuer,
      aud: FEDERATION_AUDIENCE,
      sub: 'repo:arc-ml/arc-ml-actions:ref:refs/heads/main',
      repository: 'arc-ml/arc-ml-actions',
      repository_owner: 'arc-ml',
      ref: 'refs/heads/main',
      workflow_ref: 'arc-ml/arc-ml-actions/.github/workflows/pipeline.yml@refs/heads/main',
      job_workflow_ref: 'arc-ml/arc-ml-actions/.github/workflows/pipeline.yml@refs/heads/main',
      event_name: 'push',
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(typeof claims.jti).toBe('string');
  });

  it('uses the environment subject for a request token minted for an environment', async () => {
    const { requestToken } = await azure.admin.mintRequestToken({ claims: { environment: 'production' } });
    const claims = decodeJwt(await githubIdToken(azure, requestToken));
    expect(claims).toMatchObject({
      sub: 'repo:arc-ml/arc-ml-actions:environment:production',
      environment: 'production',
    });
  });

  it('refuses an ID-token request without the request token', async () => {
    const answer = await call(azure, 'GET', `/github/token?api-version=2.0&audience=${FEDERATION_AUDIENCE}`);
    expect(answer.status).toBe(401);
    const wrong = await call(azure, 'GET', '/github/token?api-version=2.0', {
      headers: { Authorization: 'bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });
});

describe('Entra ID', () => {
  it('serves the v2 OpenID configuration MSAL discovers', async () => {
    const answer = await call(azure, 'GET', `/${azure.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(answer.body).toMatchObject({
      issuer: `${azure.baseUrl}/${azure.tenantId}/v2.0`,
      token_endpoint: `${azure.baseUrl}/${azure.tenantId}/oauth2/v2.0/token`,
      jwks_uri: `${azure.baseUrl}/${azure.tenantId}/discovery/v2.0/keys`,
    });
  });

  it('issues an access token through @arc-ml/azure and the official ClientAssertionCredential', async () => {
    const claims = decodeJwt(await armToken(azure));
    expect(claims).toMatchObject({
      aud: 'https://management.local.arc-ml',
      iss: `https://sts.windows.net/${azure.tenantId}/`,
      tid: azure.tenantId,
      appid: azure.clientId,
      oid: azure.config.apps[0]?.objectId,
      idtyp: 'app',
    });
    expect(claims.exp! - claims.iat!).toBeGreaterThan(3000);
  });

  it('accepts the extra form fields other clients send', async () => {
    const form = {
      ...(await assertionForm(await githubIdToken(azure))),
      client_info: '1',
      claims: '{}',
      'x-client-SKU': 'x',
    };
    const answer = await tokenRequest(form);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
  });

  it.each([
    [
      'issuer',
      async () =>
        githubIdToken(
          azure,
          (await azure.admin.mintRequestToken({ claims: { iss: 'https://token.actions.githubusercontent.com' } }))
            .requestToken,
        ),
      700211,
      "presented assertion issuer 'https://token.actions.githubusercontent.com'",
    ],
    [
      'subject',
      async () =>
        githubIdToken(
          azure,
          (await azure.admin.mintRequestToken({ claims: { ref: 'refs/heads/feature' } })).requestToken,
        ),
      700213,
      "presented assertion subject 'repo:arc-ml/arc-ml-actions:ref:refs/heads/feature'",
    ],
    [
      'audience',
      async () => githubIdToken(azure, undefined, 'https://github.com/arc-ml'),
      700212,
      "presented assertion audience 'https://github.com/arc-ml'",
    ],
    [
      'expiry',
      async () => githubIdToken(azure, (await azure.admin.mintRequestToken({ lifetimeSeconds: -600 })).requestToken),
      700024,
      'Client assertion is not within its valid time range.',
    ],
  ])(
    'refuses an assertion whose %s matches no federated credential, with Entra’s code',
    async (_what, assertion, code, text) => {
      const answer = await tokenRequest(await assertionForm(await assertion()));
      expect(answer.status).toBe(401);
      const body = entraError(answer.body);
      expect(body.error).toBe('invalid_client');
      expect(body.error_codes).toEqual([code]);
      expect(body.error_description).toContain(`AADSTS${code}: `);
      expect(body.error_description).toContain(text);
      expect(body.error_description).toMatch(
        /Trace ID: \S+ Correlation ID: \S+ Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
      );
    },
  );

  it('tells the credential user why sign-in failed (subject mismatch through @arc-ml/azure)', async () => {
    const { requestToken } = await azure.admin.mintRequestToken({ claims: { environment: 'staging' } });
    await expect(armToken(azure, { requestToken })).rejects.toThrow(
      /AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:arc-ml\/arc-ml-actions:environment:staging'/,
    );
  });

  it.each([
    [
      'issuer',
      async () => ({
        requestToken: (
          await azure.admin.mintRequestToken({ claims: { iss: 'https://token.actions.githubusercontent.com' } })
        ).requestToken,
      }),
      /AADSTS700211: No matching federated identity record found for presented assertion issuer/,
    ],
    [
      'audience',
      async () => ({ audience: 'https://github.com/arc-ml' }),
      /AADSTS700212: No matching federated identity record found for presented assertion audience 'https:\/\/github.com\/arc-ml'/,
    ],
    [
      'expiry',
      async () => ({ requestToken: (await azure.admin.mintRequestToken({ lifetimeSeconds: -600 })).requestToken }),
      /AADSTS700024: Client assertion is not within its valid time range/,
    ],
  ])(
    'fails an action’s sign-in through @arc-ml/azure on a mismatched %s, with Entra’s code',
    async (_what, options, message) => {
      await expect(armToken(azure, await options())).rejects.toThrow(message);
    },
  );

  it('refuses an unknown client id (AADSTS700016) and an unknown tenant (AADSTS90002)', async () => {
    const assertion = await githubIdToken(azure);
    const unknownApp = await tokenRequest(await assertionForm(assertion, '99999999-0000-4000-8000-000000000000'));
    expect(unknownApp.status).toBe(400);
    expect(entraError(unknownApp.body)).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });

    const unknownTenant = await tokenRequest(await assertionForm(assertion), '00000000-1111-4000-8000-000000000000');
    expect(entraError(unknownTenant.body)).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    await expect(armToken(azure, { clientId: '99999999-0000-4000-8000-000000000000' })).rejects.toThrow(/AADSTS700016/);
  });

  it('refuses an assertion signed by another key (AADSTS700027)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const genuine = decodeJwt(await githubIdToken(azure));
    const forged = await new SignJWT(genuine).setProtectedHeader({ alg: 'RS256', kid: 'forged' }).sign(privateKey);
    const answer = await tokenRequest(await assertionForm(forged));
    expect(entraError(answer.body)).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });

  it('refuses a scope that is not a known resource/.default', async () => {
    const form = { ...(await assertionForm(await githubIdToken(azure))), scope: 'https://vault.azure.net/.default' };
    expect(entraError((await tokenRequest(form)).body).error_codes).toEqual([500011]);
    const noDefault = { ...form, scope: `${azure.armAudience}user_impersonation` };
    expect(entraError((await tokenRequest(noDefault)).body).error_codes).toEqual([1002012]);
  });
});

describe('Resource Manager authentication', () => {
  const rgPath = () => `/subscriptions/${azure.subscriptionId}/resourcegroups/arc-ml-rg?api-version=2025-04-01`;

  it('answers 401 with a WWW-Authenticate challenge when the bearer token is missing', async () => {
    const answer = await call(azure, 'GET', rgPath());
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'AuthenticationFailed' } });
    expect(answer.headers.get('www-authenticate')).toMatch(
      /^Bearer authorization_uri="[^"]+", error="invalid_token", error_description="/,
    );
    expect(answer.headers.get('x-ms-request-id')).toBeTruthy();
  });

  it('answers 401 InvalidAuthenticationToken for a token it did not sign', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(await armToken(azure)))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const answer = await call(azure, 'GET', rgPath(), { token: forged });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('answers 401 ExpiredAuthenticationToken for an expired token', async () => {
    const expired = await azure.admin.mintAccessToken({ lifetimeSeconds: -60 });
    const answer = await call(azure, 'GET', rgPath(), { token: expired });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({
      error: {
        code: 'ExpiredAuthenticationToken',
        message: expect.stringMatching(
          /^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/,
        ),
      },
    });
  });

  it('answers 401 for a token obtained for another audience', async () => {
    const storageToken = await azure.admin.mintAccessToken({ resource: 'https://storage.azure.com/' });
    const answer = await call(azure, 'GET', rgPath(), { token: storageToken });
    expect(answer.body).toMatchObject({
      error: {
        code: 'InvalidAuthenticationToken',
        message: expect.stringContaining("wrong audience or resource 'https://storage.azure.com/'"),
      },
    });
  });

  it('serves the signed-in app through the official SDK client', async () => {
    const group = await (await resourcesClient(azure)).resourceGroups.get('arc-ml-rg');
    expect(group).toMatchObject({
      name: 'arc-ml-rg',
      location: 'eastus',
      properties: { provisioningState: 'Succeeded' },
    });
  });
});
