import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { explainArmError, toArmError } from '../src/arm-errors.js';
import { type AzureClients, createClients } from '../src/clients.js';
import { InvalidResourceIdError, managedClusterId } from '../src/resource-id.js';
import { getManagedCluster, getResourceById, managedClusterApiVersion } from '../src/resources.js';
import { fakeTime, staticCredential } from '../src/testing.js';
import { type Route, router, testCloud } from './helpers/fake-arm.js';
import { sendJson, startHttpsServer, type TestServer, trustTestCa } from './helpers/https-server.js';

const SUB = '00000000-0000-0000-0000-00000000000a';
const OTHER_SUB = '00000000-0000-0000-0000-00000000000b';
const AKS = managedClusterId(SUB, 'ml-rg', 'aks1');

const managedCluster = {
  id: AKS,
  name: 'aks1',
  type: 'Microsoft.ContainerService/managedClusters',
  location: 'westeurope',
  properties: {
    provisioningState: 'Succeeded',
    powerState: { code: 'Running' },
    kubernetesVersion: '1.30',
    currentKubernetesVersion: '1.30.5',
    agentPoolProfiles: [
      { name: 'system', count: 2 },
      { name: 'gpu', count: 3 },
    ],
  },
};

describe('reading resources by id', () => {
  let server: TestServer;
  let restoreTrust: () => void;
  let clients: AzureClients;
  let routes: Route[] = [];
  const time = fakeTime();

  beforeAll(async () => {
    restoreTrust = trustTestCa();
    server = await startHttpsServer(router(() => routes));
    clients = await createClients({
      credential: staticCredential(),
      cloud: testCloud(server.url),
      subscriptionId: SUB,
      userAgent: { version: '1.2.3', action: 'connect-arc' },
      retry: { sleep: time.sleep, clock: time.clock, maxRetries: 0 },
      clock: time.clock,
    });
  });
  afterAll(async () => {
    await server.close();
    restoreTrust();
  });
  beforeEach(() => {
    server.requests.length = 0;
    routes = [];
  });

  describe('getResourceById', () => {
    it('GETs the id itself, with one leading slash, at the api-version asked for', async () => {
      routes = [['GET', /\/managedClusters\/aks1$/, (_q, res) => sendJson(res, 200, managedCluster)]];

      const resource = await getResourceById(clients, AKS, '2024-09-01');

      expect(resource).toMatchObject({ id: AKS, name: 'aks1', location: 'westeurope' });
      expect(server.requests.map((r) => [r.method, r.url])).toEqual([['GET', `${AKS}?api-version=2024-09-01`]]);
    });

    it('reads an id of another subscription the same way', async () => {
      const id = managedClusterId(OTHER_SUB, 'rg', 'aks2');
      routes = [['GET', /\/managedClusters\/aks2$/, (_q, res) => sendJson(res, 200, { id, name: 'aks2' })]];

      expect(await getResourceById(clients, `${id}/`, managedClusterApiVersion)).toMatchObject({ name: 'aks2' });
      expect(server.requests.map((r) => r.url.split('?')[0])).toEqual([id]);
    });

    it('answers undefined when the resource does not exist', async () => {
      routes = [
        [
          'GET',
          /\/managedClusters\/aks1$/,
          (_q, res) =>
            sendJson(res, 404, {
              error: { code: 'ResourceNotFound', message: "The Resource 'aks1' was not found." },
            }),
        ],
      ];
      await expect(getResourceById(clients, AKS, managedClusterApiVersion)).resolves.toBeUndefined();
    });

    it.each([
      [404, 'ResourceGroupNotFound', "Resource group 'ml-rg' could not be found."],
      [403, 'AuthorizationFailed', 'The client may not read it.'],
    ])('throws the SDK error for %s %s, for toArmError to explain', async (status, code, message) => {
      routes = [['GET', /\/managedClusters\/aks1$/, (_q, res) => sendJson(res, status, { error: { code, message } })]];

      const error = await getResourceById(clients, AKS, managedClusterApiVersion).catch((e: unknown) => e);

      expect(explainArmError(error)).toMatchObject({ code, statusCode: status });
      expect(toArmError(error, 'reading AKS cluster aks1').message).toBe(
        `reading AKS cluster aks1 failed: ${code}: ${explainArmError(error).message}`,
      );
    });

    it('refuses an id that is not one before sending anything', async () => {
      await expect(getResourceById(clients, 'subscriptions/x/resourceGroups/rg', '2024-09-01')).rejects.toBeInstanceOf(
        InvalidResourceIdError,
      );
      expect(server.requests).toEqual([]);
    });
  });

  describe('getManagedCluster', () => {
    it('reads the state, power, running version and node count of an AKS cluster', async () => {
      routes = [['GET', /\/managedClusters\/aks1$/, (_q, res) => sendJson(res, 200, managedCluster)]];

      expect(await getManagedCluster(clients, AKS)).toEqual({
        id: AKS,
        name: 'aks1',
        location: 'westeurope',
        provisioningState: 'Succeeded',
        powerState: 'Running',
        kubernetesVersion: '1.30.5',
        nodeCount: 5,
      });
      expect(server.requests[0]?.url).toBe(`${AKS}?api-version=${managedClusterApiVersion}`);
    });

    it('leaves out what the cluster does not say', async () => {
      routes = [
        [
          'GET',
          /\/managedClusters\/aks1$/,
          (_q, res) =>
            sendJson(res, 200, {
              id: AKS,
              name: 'aks1',
              location: 'westeurope',
              properties: { kubernetesVersion: '1.29' },
            }),
        ],
      ];
      expect(await getManagedCluster(clients, AKS)).toEqual({
        id: AKS,
        name: 'aks1',
        location: 'westeurope',
        kubernetesVersion: '1.29',
      });
    });

    it('answers undefined for a cluster that does not exist', async () => {
      await expect(getManagedCluster(clients, AKS)).resolves.toBeUndefined();
    });
  });
});
