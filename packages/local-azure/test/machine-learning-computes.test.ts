import { describe, expect, it } from '@jest/globals';
import {
  AKS_ID,
  ARC_ID,
  COMPUTE,
  COMPUTE_ID,
  computeBody,
  errorOf,
  type Harness,
  harness,
  INSTANCE_TYPES,
  putCluster,
  putExtension,
  readyCluster,
  ws,
} from './machine-learning-harness.js';

const PATH = ws(`/computes/${COMPUTE}`);

describe('Kubernetes compute attach', () => {
  it('answers 201 with an absolute Azure-AsyncOperation URL and moves Creating → Succeeded', async () => {
    const h = harness({ lro: 'manual' });
    readyCluster(h);
    const result = await h.send('PUT', PATH, computeBody());
    expect(result.status).toBe(201);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\/localhost:8443\//);
    expect(result.body).toMatchObject({
      id: COMPUTE_ID,
      name: COMPUTE,
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      location: 'eastus',
      identity: { type: 'SystemAssigned', principalId: expect.any(String), tenantId: h.ctx.config.tenantId },
      properties: {
        computeType: 'Kubernetes',
        provisioningState: 'Creating',
        resourceId: ARC_ID,
        isAttachedCompute: true,
        properties: {
          namespace: 'azureml',
          defaultInstanceType: 'cpusmall',
          extensionInstanceReleaseTrain: 'stable',
          extensionPrincipalId: '5a1f1c2e-0000-4000-8000-0000000000e1',
        },
      },
    });
    expect(h.ctx.operations.last).toMatchObject({ resourceId: COMPUTE_ID, kind: 'compute' });
    expect((await h.get(PATH))['properties']).toMatchObject({ provisioningState: 'Creating' });

    await h.ctx.operations.runPending();
    expect(h.ctx.operations.last?.status).toBe('Succeeded');
    expect((await h.get(PATH))['properties']).toMatchObject({ provisioningState: 'Succeeded' });
    const list = await h.get(ws('/computes'));
    expect((list['value'] as { name: string }[]).map((c) => c.name)).toEqual([COMPUTE]);
  });

  it('attaches an AKS cluster too', async () => {
    const h = harness();
    readyCluster(h, AKS_ID);
    const result = await h.send('PUT', PATH, computeBody({ resourceId: AKS_ID }));
    expect(result.status).toBe(201);
    expect((await h.get(PATH))['properties']).toMatchObject({ provisioningState: 'Succeeded', resourceId: AKS_ID });
  });

  it('fails the operation when the extension went away before the attach finished', async () => {
    const h = harness({ lro: 'manual' });
    readyCluster(h);
    await h.send('PUT', PATH, computeBody());
    h.ctx.store.delete(`${ARC_ID}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`);
    await h.ctx.operations.runPending();
    expect(h.ctx.operations.last?.outcome).toMatchObject({
      status: 'Failed',
      error: { message: expect.stringMatching(/no Azure Machine Learning extension/) },
    });
    expect((await h.get(PATH))['properties']).toMatchObject({ provisioningState: 'Failed' });
  });

  const refusals: [string, (h: Harness) => void, unknown, RegExp, string][] = [
    [
      'the cluster does not exist',
      () => undefined,
      computeBody(),
      new RegExp(`cluster '${ARC_ID}' was not found.*Connect the cluster to Azure Arc`),
      'properties.resourceId',
    ],
    [
      'the cluster has no AzureML extension',
      (h) => putCluster(h),
      computeBody(),
      /no Azure Machine Learning extension. Install the Microsoft.AzureML.Kubernetes/,
      'properties.resourceId',
    ],
    [
      'the extension failed',
      (h) => {
        putCluster(h);
        putExtension(h, ARC_ID, 'Failed');
      },
      computeBody(),
      /provisioning state 'Failed'; it must be 'Succeeded'/,
      'properties.resourceId',
    ],
    [
      'the extension is still installing',
      (h) => {
        putCluster(h);
        putExtension(h, ARC_ID, 'Creating');
      },
      computeBody(),
      /'Creating'.*Wait for the extension/,
      'properties.resourceId',
    ],
    [
      'the namespace does not exist',
      readyCluster,
      computeBody({}, { namespace: 'team-a' }),
      /Namespace 'team-a' does not exist in Kubernetes cluster 'arc-k3s' \(it has: default, kube-system, azureml\)/,
      'properties.properties.namespace',
    ],
    [
      'the resourceId is not a cluster',
      readyCluster,
      computeBody({ resourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/vm' }),
      /Arc connected cluster/,
      'properties.resourceId',
    ],
    [
      'the default instance type is not declared',
      readyCluster,
      computeBody({}, { defaultInstanceType: 'huge' }),
      /defaultInstanceType 'huge' is not one of the compute's instanceTypes \(cpusmall, gpu\)/,
      'properties.properties.defaultInstanceType',
    ],
    [
      'a CPU quantity is malformed',
      readyCluster,
      computeBody(
        {},
        { instanceTypes: { a: { resources: { requests: { cpu: '2 cores' } } } }, defaultInstanceType: 'a' },
      ),
      /CPU quantity such as '500m'/,
      'properties.properties.instanceTypes.a.resources.requests.cpu',
    ],
    [
      'memory is given in millibytes',
      readyCluster,
      computeBody(
        {},
        { instanceTypes: { a: { resources: { limits: { memory: '512m' } } } }, defaultInstanceType: 'a' },
      ),
      /did you mean '512Mi'/,
      'properties.properties.instanceTypes.a.resources.limits.memory',
    ],
    [
      'a GPU count is not whole',
      readyCluster,
      computeBody(
        {},
        { instanceTypes: { a: { resources: { limits: { 'nvidia.com/gpu': '0.5' } } } }, defaultInstanceType: 'a' },
      ),
      /whole number of GPUs/,
      'properties.properties.instanceTypes.a.resources.limits.nvidia.com/gpu',
    ],
    [
      'a request exceeds its limit',
      readyCluster,
      computeBody(
        {},
        {
          instanceTypes: { a: { resources: { requests: { memory: '4Gi' }, limits: { memory: '2Gi' } } } },
          defaultInstanceType: 'a',
        },
      ),
      /requests more memory \(4Gi\) than its limit \(2Gi\)/,
      'properties.properties.instanceTypes.a.resources.requests.memory',
    ],
    [
      'the compute type is not Kubernetes',
      readyCluster,
      computeBody({ computeType: 'AmlCompute', properties: { vmSize: 'STANDARD_D2' } }),
      /attaches Kubernetes clusters only/,
      'properties.computeType',
    ],
    [
      'the compute type is unknown',
      readyCluster,
      computeBody({ computeType: 'Kubernetez' }),
      /must be one of AKS, Kubernetes/,
      'properties.computeType',
    ],
    ['there is no body', readyCluster, undefined, /must not be null/, ''],
  ];

  it.each(refusals)('answers 400 when %s', async (_case, arrange, body, message, target) => {
    const h = harness();
    arrange(h);
    const result = await h.send('PUT', PATH, body);
    expect(result.status).toBe(400);
    expect(errorOf(result).code).toBe('BadRequest');
    expect(errorOf(result).message).toMatch(message);
    if (target) expect(errorOf(result).target).toBe(target);
    expect(h.ctx.store.get(COMPUTE_ID)).toBeUndefined();
    expect(h.ctx.operations.all).toEqual([]);
  });

  it.each(['a', '1k8s', 'k8s-', 'k8s_cluster', 'a-name-that-is-too-long'])(
    "refuses the compute name %p with Azure's rule",
    async (name) => {
      const h = harness();
      readyCluster(h);
      const result = await h.send('PUT', ws(`/computes/${name}`), computeBody());
      expect(result.status).toBe(400);
      expect(errorOf(result).message).toBe(
        'Compute name is invalid. It can include letters, digits and dashes. It must start with a letter, end with a letter or digit, and be between 2 and 16 characters in length.',
      );
    },
  );

  it('accepts the instance types of the official example (null GPU quantities)', async () => {
    const h = harness();
    readyCluster(h);
    const body = computeBody(
      {},
      {
        defaultInstanceType: 'defaultInstanceType',
        instanceTypes: {
          defaultInstanceType: {
            nodeSelector: null,
            resources: {
              requests: { cpu: '1', memory: '4Gi', 'nvidia.com/gpu': null },
              limits: { cpu: '1', memory: '4Gi', 'nvidia.com/gpu': null },
            },
          },
        },
      },
    );
    expect((await h.send('PUT', PATH, body)).status).toBe(201);
  });

  it('ends Failed when a fault fails the operation, and a PUT of the same compute attaches it again', async () => {
    const h = harness();
    readyCluster(h);
    h.ctx.operations.failNext({ code: 'InternalServerError', message: 'injected' });
    await h.send('PUT', PATH, computeBody());
    expect(h.ctx.operations.last?.status).toBe('Failed');
    expect((await h.get(PATH))['properties']).toMatchObject({ provisioningState: 'Failed' });
    const retried = await h.send('PUT', PATH, computeBody());
    expect(retried.status).toBe(201);
    expect(retried.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect((await h.get(PATH))['properties']).toMatchObject({ provisioningState: 'Succeeded' });
  });

  it('never stores or echoes the connection strings a client sends', async () => {
    const h = harness();
    readyCluster(h);
    const result = await h.send(
      'PUT',
      PATH,
      computeBody({}, { relayConnectionString: 'Endpoint=sb://secret', serviceBusConnectionString: 'sb-secret' }),
    );
    expect(JSON.stringify([result.body, await h.get(PATH)])).not.toMatch(/secret/);
  });

  it('uses the namespaces the cluster runtime reports', async () => {
    const h = harness({ ml: { clusterNamespaces: () => ['default', 'team-a'] } });
    readyCluster(h);
    expect((await h.send('PUT', PATH, computeBody({}, { namespace: 'team-a' }))).status).toBe(201);
  });

  it('answers 200 to the same attach again and refuses a changed one like Azure', async () => {
    const h = harness();
    readyCluster(h);
    await h.send('PUT', PATH, computeBody());
    const same = await h.send('PUT', PATH, computeBody());
    expect(same.status).toBe(200);
    expect(same.headers).toBeUndefined();
    expect(same.body).toMatchObject({ properties: { provisioningState: 'Succeeded' } });

    const changed = await h.send(
      'PUT',
      PATH,
      computeBody({}, { instanceTypes: { cpusmall: INSTANCE_TYPES.cpusmall } }),
    );
    expect(changed.status).toBe(400);
    expect(errorOf(changed).message).toMatch(
      /^Compute update is not supported for compute 'k8s' of type Kubernetes \(changed: properties.properties.instanceTypes\)\. Detach the compute/,
    );
  });
});

describe('Kubernetes compute detach', () => {
  async function attached(): Promise<Harness> {
    const h = harness({ lro: 'manual' });
    readyCluster(h);
    await h.send('PUT', PATH, computeBody());
    await h.ctx.operations.runPending();
    return h;
  }

  it('detaches as a long-running operation with Azure-AsyncOperation and Location', async () => {
    const h = await attached();
    const result = await h.send('DELETE', `${PATH}?underlyingResourceAction=Detach`);
    expect(result.status).toBe(202);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(result.headers?.['Location']).toMatch(/^https:\/\//);
    expect((await h.get(PATH))['properties']).toMatchObject({ provisioningState: 'Deleting' });
    const again = await h.send('PUT', PATH, computeBody());
    expect(again.status).toBe(409);
    await h.ctx.operations.runPending();
    expect((await h.send('GET', PATH)).status).toBe(404);
    expect(h.ctx.store.get(ARC_ID)).toBeDefined();
    expect((await h.send('DELETE', `${PATH}?underlyingResourceAction=Detach`)).status).toBe(204);
  });

  it.each([
    ['without underlyingResourceAction', '', /'underlyingResourceAction' is required/],
    [
      'with an unknown underlyingResourceAction',
      '?underlyingResourceAction=Remove',
      /must be Delete or Detach; got 'Remove'/,
    ],
    [
      'with Delete on an attached cluster',
      '?underlyingResourceAction=Delete',
      /does not delete attached clusters. Use underlyingResourceAction=Detach/,
    ],
  ])('refuses a DELETE %s', async (_case, query, message) => {
    const h = await attached();
    const result = await h.send('DELETE', `${PATH}${query}`);
    expect(result.status).toBe(400);
    expect(errorOf(result)).toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(message),
      target: 'underlyingResourceAction',
    });
    expect(h.ctx.store.get(COMPUTE_ID)).toBeDefined();
  });

  it('says listNodes is for AmlCompute', async () => {
    const h = await attached();
    const result = await h.send('POST', `${PATH}/listNodes`);
    expect(result.status).toBe(400);
    expect(errorOf(result).message).toMatch(/AmlCompute clusters only/);
  });
});
