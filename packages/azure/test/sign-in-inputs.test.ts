import { describe, expect, it } from '@jest/globals';
import { readSignInSettings, SignInInputError } from '../src/sign-in-inputs.js';

const CLIENT = '11111111-2222-3333-4444-555555555555';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SUB = '00000000-0000-0000-0000-000000000001';

/** An input reader over a plain map; '' means absent, as in GitHub Actions. */
const inputs = (values: Record<string, string>) => ({
  optional: (name: string) => (values[name] ? values[name] : undefined),
});
const complete = { 'client-id': CLIENT, 'tenant-id': TENANT, 'subscription-id': SUB };

describe('readSignInSettings', () => {
  it('reads the inputs, with defaults for environment and audience', () => {
    expect(readSignInSettings(inputs(complete), {})).toEqual({
      clientId: CLIENT,
      tenantId: TENANT,
      subscriptionId: SUB,
      environment: 'azurecloud',
      audience: 'api://AzureADTokenExchange',
    });
  });

  it('falls back to the AZURE_* environment variables', () => {
    const env = {
      AZURE_CLIENT_ID: CLIENT,
      AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
      AZURE_SUBSCRIPTION_ID: SUB,
      AZURE_ARM_ENDPOINT: 'https://localhost:8443/',
    };
    expect(readSignInSettings(inputs({}), env)).toEqual({
      clientId: CLIENT,
      tenantId: 'contoso.onmicrosoft.com',
      subscriptionId: SUB,
      environment: 'azurecloud',
      armEndpoint: 'https://localhost:8443',
      audience: 'api://AzureADTokenExchange',
    });
  });

  it('prefers inputs over the environment', () => {
    const settings = readSignInSettings(
      inputs({ ...complete, environment: 'AzureUSGovernment', audience: 'api://AzureADTokenExchangeUSGov' }),
      {
        AZURE_CLIENT_ID: '99999999-2222-3333-4444-555555555555',
      },
    );
    expect(settings).toMatchObject({
      clientId: CLIENT,
      environment: 'azureusgovernment',
      audience: 'api://AzureADTokenExchangeUSGov',
    });
  });

  it.each<[string, Record<string, string>, RegExp, RegExp]>([
    [
      'client-id missing',
      { 'tenant-id': TENANT, 'subscription-id': SUB },
      /^Input 'client-id': is required/,
      /AZURE_CLIENT_ID/,
    ],
    [
      'tenant-id missing',
      { 'client-id': CLIENT, 'subscription-id': SUB },
      /^Input 'tenant-id': is required/,
      /AZURE_TENANT_ID/,
    ],
    [
      'subscription-id missing',
      { 'client-id': CLIENT, 'tenant-id': TENANT },
      /^Input 'subscription-id': is required/,
      /AZURE_SUBSCRIPTION_ID/,
    ],
    [
      'client-id not a GUID',
      { ...complete, 'client-id': 'my-app' },
      /^Input 'client-id': "my-app" is not a GUID/,
      /Application \(client\) ID/,
    ],
    [
      'tenant-id malformed',
      { ...complete, 'tenant-id': 'not a tenant' },
      /^Input 'tenant-id': "not a tenant" is neither a GUID nor a domain name/,
      /Directory \(tenant\) ID/,
    ],
    [
      'subscription-id not a GUID',
      { ...complete, 'subscription-id': 'prod' },
      /^Input 'subscription-id': "prod" is not a GUID/,
      /az account show/,
    ],
    [
      'environment unknown',
      { ...complete, environment: 'azurestack' },
      /^Input 'environment': "azurestack" is not one of azurecloud, azureusgovernment, azurechinacloud/,
      /arm-endpoint/,
    ],
    [
      'arm-endpoint over http',
      { ...complete, 'arm-endpoint': 'http://localhost:8080' },
      /^Input 'arm-endpoint': "http:\/\/localhost:8080" is not an https URL/,
      /only over https/,
    ],
    [
      'arm-endpoint not a URL',
      { ...complete, 'arm-endpoint': 'management' },
      /^Input 'arm-endpoint': "management" is not an https URL/,
      /Resource Manager endpoint/,
    ],
  ])('%s', (_case, values, message, hint) => {
    const error = (() => {
      try {
        readSignInSettings(inputs(values), {});
      } catch (e) {
        return e as SignInInputError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(SignInInputError);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(error.input).toBe(error.message.match(/^Input '([^']+)'/)?.[1]);
  });
});
