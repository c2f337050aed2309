import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AzureChinaCloud,
  AzureCloud,
  AzureUSGovernment,
  armScope,
  CloudDiscoveryError,
  cloudFromMetadata,
  resolveCloud,
} from '../src/clouds.js';
import { type Handler, sendJson, startHttpsServer, type TestServer, trustTestCa } from './helpers/https-server.js';

/** What `GET /metadata/endpoints?api-version=2022-09-01` returns: a JSON array of clouds. */
function currentFormat(arm: string): unknown[] {
  return [
    {
      name: 'AzureCloud',
      resourceManager: 'https://management.azure.com/',
      authentication: {
        loginEndpoint: 'https://login.microsoftonline.com',
        audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
        tenant: 'common',
        identityProvider: 'AAD',
      },
      suffixes: { storage: 'core.windows.net' },
      portal: 'https://portal.azure.com',
    },
    {
      name: 'LocalAzure',
      resourceManager: `${arm}/`,
      authentication: {
        loginEndpoint: `${arm}/entra/`,
        audiences: [`${arm}/`],
        tenant: 'common',
        identityProvider: 'AAD',
      },
      suffixes: { storage: 'localhost', keyVaultDns: 'vault.localhost' },
      portal: `${arm}/portal`,
    },
  ];
}

/** What an older Azure Stack Hub returns: one object, no resourceManager, no storage suffix. */
const stackHubFormat = {
  galleryEndpoint: 'https://providers.local.azurestack.external:30016/',
  graphEndpoint: 'https://graph.windows.net/',
  portalEndpoint: 'https://portal.local.azurestack.external/',
  authentication: {
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: ['https://management.contoso.onmicrosoft.com/3cc5febd-e4b7-4a85-a2ed-1d730e2f5928'],
  },
};

describe('built-in clouds', () => {
  it.each([
    ['azurecloud', AzureCloud, 'https://management.azure.com', 'https://login.microsoftonline.com', 'core.windows.net'],
    [
      'AzureUSGovernment',
      AzureUSGovernment,
      'https://management.usgovcloudapi.net',
      'https://login.microsoftonline.us',
      'core.usgovcloudapi.net',
    ],
    [
      'AZURECHINACLOUD',
      AzureChinaCloud,
      'https://management.chinacloudapi.cn',
      'https://login.chinacloudapi.cn',
      'core.chinacloudapi.cn',
    ],
  ])('%s resolves without the network', async (environment, cloud, arm, login, storage) => {
    const resolved = await resolveCloud({ environment }, () => Promise.reject(new Error('no network expected')));
    expect(resolved).toBe(cloud);
    expect(resolved).toMatchObject({
      resourceManagerEndpoint: arm,
      authorityHost: login,
      storageEndpointSuffix: storage,
      isCustom: false,
    });
    expect(armScope(resolved)).toBe(`${arm}/.default`);
  });

  it('defaults to the Azure public cloud', async () => {
    expect(await resolveCloud()).toBe(AzureCloud);
  });

  it('an arm-endpoint of a built-in cloud is that cloud', async () => {
    expect(
      await resolveCloud({ armEndpoint: 'https://management.usgovcloudapi.net/' }, () =>
        Promise.reject(new Error('no')),
      ),
    ).toBe(AzureUSGovernment);
  });

  it('an unknown environment lists the known ones', async () => {
    await expect(resolveCloud({ environment: 'azurestack' })).rejects.toThrow(
      /"azurestack" is not a known Azure environment; expected one of azurecloud, azureusgovernment, azurechinacloud/,
    );
  });
});

describe('custom cloud discovery over local HTTPS', () => {
  let server: TestServer;
  let respond: Handler;
  let restoreTrust: () => void;

  beforeAll(async () => {
    restoreTrust = trustTestCa();
    server = await startHttpsServer((req, res) => respond(req, res));
  });
  afterAll(async () => {
    await server.close();
    restoreTrust();
  });

  it('reads the login endpoint, audience and storage suffix of the matching cloud in the array', async () => {
    respond = (_req, res) => sendJson(res, 200, currentFormat(server.url));

    const cloud = await resolveCloud({ armEndpoint: `${server.url}/`, environment: 'azurecloud' });

    expect(server.requests.at(-1)?.url).toBe('/metadata/endpoints?api-version=2022-09-01');
    expect(cloud).toEqual({
      name: 'LocalAzure',
      resourceManagerEndpoint: server.url,
      authorityHost: `${server.url}/entra`,
      resourceManagerAudience: `${server.url}/`,
      storageEndpointSuffix: 'localhost',
      portal: `${server.url}/portal`,
      isCustom: true,
    });
    // The audience is kept literally, as az does: a trailing slash gives "//.default".
    expect(armScope(cloud)).toBe(`${server.url}//.default`);
  });

  it('reads the single-object format of older Azure Stack Hub, deriving the storage suffix from the ARM host', () => {
    const cloud = cloudFromMetadata(
      stackHubFormat,
      'https://management.local.azurestack.external',
      'https://x/metadata',
    );
    expect(cloud).toEqual({
      name: 'custom (management.local.azurestack.external)',
      resourceManagerEndpoint: 'https://management.local.azurestack.external',
      authorityHost: 'https://login.microsoftonline.com',
      resourceManagerAudience: 'https://management.contoso.onmicrosoft.com/3cc5febd-e4b7-4a85-a2ed-1d730e2f5928',
      storageEndpointSuffix: 'local.azurestack.external',
      portal: 'https://portal.local.azurestack.external',
      isCustom: true,
    });
  });

  it('takes the only cloud of a one-entry array even when its resourceManager is spelled differently', async () => {
    respond = (_req, res) => {
      const [, local] = currentFormat('https://127.0.0.1:1');
      sendJson(res, 200, [local]);
    };
    const cloud = await resolveCloud({ armEndpoint: server.url });
    expect(cloud.name).toBe('LocalAzure');
  });

  it.each<[string, Handler, RegExp]>([
    [
      'an HTTP error',
      (_q, res) => sendJson(res, 404, { error: 'nope' }),
      /metadata\/endpoints\?api-version=2022-09-01 answered HTTP 404/,
    ],
    [
      'a body that is not JSON',
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>portal</html>');
      },
      /did not return JSON/,
    ],
    [
      'several clouds and none matching',
      (_q, res) => sendJson(res, 200, currentFormat('https://elsewhere.example')),
      /describes 2 clouds and none has resourceManager https:\/\/localhost:\d+: AzureCloud \(https:\/\/management.azure.com\/\), LocalAzure/,
    ],
    [
      'no login endpoint',
      (_q, res) =>
        sendJson(res, 200, [{ name: 'Broken', resourceManager: server.url, authentication: { audiences: ['x'] } }]),
      /cloud "Broken" has no usable authentication.loginEndpoint/,
    ],
    [
      'no audiences',
      (_q, res) =>
        sendJson(res, 200, [
          { name: 'Broken', resourceManager: server.url, authentication: { loginEndpoint: 'https://login.example' } },
        ]),
      /cloud "Broken" has no authentication.audiences/,
    ],
  ])('names the URL and the problem for %s', async (_case, handler, message) => {
    respond = handler;
    const error = await resolveCloud({ armEndpoint: server.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudDiscoveryError);
    expect((error as CloudDiscoveryError).message).toMatch(message);
    expect((error as CloudDiscoveryError).url).toBe(`${server.url}/metadata/endpoints?api-version=2022-09-01`);
  });

  it('says how to trust the certificate when the endpoint is not trusted', async () => {
    restoreTrust();
    const untrusted = await startHttpsServer((_req, res) => sendJson(res, 200, []));
    try {
      const error = (await resolveCloud({ armEndpoint: untrusted.url }).catch(
        (e: unknown) => e,
      )) as CloudDiscoveryError;
      expect(error).toBeInstanceOf(CloudDiscoveryError);
      expect(error.message).toContain(`Could not read the cloud metadata from ${untrusted.url}/metadata/endpoints`);
      expect(error.hint).toMatch(/NODE_EXTRA_CA_CERTS/);
    } finally {
      await untrusted.close();
      restoreTrust = trustTestCa();
    }
  });

  it.each([
    ['http://management.example', /arm-endpoint "http:\/\/management.example" is not an https URL/],
    ['management.example', /arm-endpoint "management.example" is not a URL/],
  ])('rejects the arm-endpoint %s before asking anything', async (armEndpoint, message) => {
    await expect(resolveCloud({ armEndpoint }, () => Promise.reject(new Error('no')))).rejects.toThrow(message);
  });
});
