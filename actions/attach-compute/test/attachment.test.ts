import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '@arc-ml/actions-kit';
import { REPO_ROOT } from '@arc-ml/test-support';
import { describe, expect, it } from '@jest/globals';
import { attachBody, attachmentDifferences, type DesiredAttachment, type InstanceTypeBody } from '../src/attachment.js';
import { computeState as fromAzure } from '../src/azure-port.js';
import { parseInstanceTypes } from '../src/instance-types.js';
import { AKS_ID, ARC_ID, computeState, SMALL_AS_AZURE_ANSWERS, SMALL_ATTACHMENT } from './fake-azure.js';

function desired(overrides: Partial<DesiredAttachment> = {}, instanceTypes = SMALL): DesiredAttachment {
  return {
    clusterId: ARC_ID,
    namespace: 'default',
    defaultInstanceType: 'small',
    instanceTypes: parseInstanceTypes(parseYaml(instanceTypes)),
    identity: 'none',
    ...overrides,
  };
}

const SMALL = 'small: { resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { cpu: 1, memory: 2Gi } } }';

describe('the attach request', () => {
  it('has the shape of the official Kubernetes compute example', () => {
    expect(attachBody(desired({ identity: 'system' }), 'eastus')).toEqual({
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
      properties: SMALL_ATTACHMENT,
    });
  });

  it("leaves instance types to Azure ML's default when none are declared", () => {
    const body = attachBody(desired({ defaultInstanceType: undefined, instanceTypes: new Map() }), undefined);
    expect(body).toEqual({
      properties: { computeType: 'Kubernetes', resourceId: ARC_ID, properties: { namespace: 'default' } },
    });
  });
});

describe('comparing an attached compute with the inputs', () => {
  it.each<[string, Parameters<typeof computeState>[0]]>([
    ['quantities spelt otherwise, key order, nulls and the type Azure adds', {}],
    ['the namespace left to its default', { namespace: 'default' }],
    ['the cluster id in other casing', { clusterId: ARC_ID.replace('resourceGroups', 'resourcegroups').toLowerCase() }],
    ['no identity written as None', { identityType: 'None' }],
    ['the default instance type in other casing', { defaultInstanceType: 'Small' }],
  ])('finds nothing to change with %s', (_case, answered) => {
    expect(attachmentDifferences(computeState(answered), desired())).toEqual([]);
  });

  it("treats Azure ML's own default instance type as the default when none is named", () => {
    const current = computeState({ defaultInstanceType: undefined, instanceTypes: {} });
    expect(
      attachmentDifferences(current, desired({ defaultInstanceType: undefined, instanceTypes: new Map() })),
    ).toEqual([]);
  });

  it.each<[string, Parameters<typeof computeState>[0], Partial<DesiredAttachment>, string | undefined, string[]]>([
    ['another namespace', {}, { namespace: 'azureml' }, undefined, ['namespace: "default" → "azureml"']],
    ['another cluster', {}, { clusterId: AKS_ID }, undefined, [`cluster: ${ARC_ID} → ${AKS_ID}`]],
    ['a system identity asked for', {}, { identity: 'system' }, undefined, ['identity: none → system']],
    ['a system identity to drop', { identityType: 'SystemAssigned' }, {}, undefined, ['identity: system → none']],
    [
      'a failed attach',
      { provisioningState: 'Failed', provisioningErrors: ['BadRequest: no extension'] },
      {},
      undefined,
      ['provisioning state: Failed (BadRequest: no extension) → Succeeded'],
    ],
    [
      'a changed limit and a new node selector',
      {},
      {},
      'small: { nodeSelector: { pool: cpu }, resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { cpu: 2, memory: 2Gi } } }',
      ['instance type "small": nodeSelector (none) → {pool=cpu}', 'instance type "small": limits.cpu 1000m → 2'],
    ],
    [
      'an instance type added and the default moved to it',
      {},
      { defaultInstanceType: 'large' },
      `${SMALL}\nlarge: { resources: { requests: { cpu: 2 } } }`,
      ['default instance type: "small" → "large"', 'instance type "large": added'],
    ],
    [
      'an instance type removed',
      {
        instanceTypes: {
          ...SMALL_AS_AZURE_ANSWERS,
          gpu: { resources: { requests: { 'nvidia.com/gpu': '1' } } } satisfies InstanceTypeBody,
        },
      },
      {},
      undefined,
      ['instance type "gpu": removed'],
    ],
  ])('lists %s', (_case, answered, asked, instanceTypes, differences) => {
    expect(attachmentDifferences(computeState(answered), desired(asked, instanceTypes ?? SMALL))).toEqual(differences);
  });
});

describe('the official Kubernetes compute examples', () => {
  const examples = join(REPO_ROOT, '../shared/azure-specs/machinelearningservices/2022-10-01/examples/Compute');
  const example = (file: string) => JSON.parse(readFileSync(join(examples, file), 'utf8'));

  it('reads the answer to a GET as the attachment its create request asked for', () => {
    const created = example('createOrUpdate/KubernetesCompute.json').parameters.parameters;
    const answered = fromAzure(example('get/KubernetesCompute.json').responses['200'].body);
    const kubernetes = created.properties.properties;

    expect(answered).toMatchObject({ computeType: 'Kubernetes', provisioningState: 'Succeeded', namespace: 'default' });
    const asked: DesiredAttachment = {
      clusterId: created.properties.resourceId,
      namespace: kubernetes.namespace,
      defaultInstanceType: kubernetes.defaultInstanceType,
      instanceTypes: parseInstanceTypes(parseYaml(JSON.stringify(kubernetes.instanceTypes))),
      identity: 'none',
    };
    expect(attachmentDifferences(answered, asked)).toEqual([]);
  });
});
