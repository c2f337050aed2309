import { actionInputs, recordInputSource } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import type { InstalledExtension } from '../src/azure-port.js';
import { compareWithInstalled, describeChanges, hasDifferences, sameValue } from '../src/compare.js';
import { desiredExtension } from '../src/desired.js';
import { getInputs } from '../src/inputs.js';
import { writeFor } from '../src/write-request.js';
import { AKS, ENV } from './support/deps.js';

const INPUTS = {
  'cluster-id': AKS.id,
  'inference-router-service-type': 'LoadBalancer',
  'allow-insecure-connections': 'true',
};
const desired = (inputs: Record<string, string> = {}) =>
  desiredExtension(getInputs(actionInputs(recordInputSource({ ...INPUTS, ...inputs })), ENV));

/** What desired() with no extra inputs installs. */
const INSTALLED_SETTINGS = {
  enableTraining: 'True',
  enableInference: 'True',
  allowInsecureConnections: 'True',
  inferenceRouterServiceType: 'LoadBalancer',
  inferenceRouterHA: 'True',
  'scoringFe.serviceType.nodePort': 'False',
  'scoringFe.serviceType.internalLoadBalancer': 'False',
  clusterId: AKS.id,
};

const installed = (
  settings: Record<string, string> = {},
  extra: Partial<InstalledExtension> = {},
): InstalledExtension => ({
  id: `${AKS.id}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
  name: 'azureml',
  extensionType: 'Microsoft.AzureML.Kubernetes',
  provisioningState: 'Succeeded',
  releaseTrain: 'Stable',
  autoUpgradeMinorVersion: true,
  configurationSettings: { ...INSTALLED_SETTINGS, ...settings },
  statuses: [],
  hasIdentity: true,
  ...extra,
});

describe('compareWithInstalled', () => {
  it.each<[string, Record<string, string>, Partial<InstalledExtension>]>([
    ['the same settings', {}, {}],
    ['booleans in another case', { enableTraining: 'true', allowInsecureConnections: 'TRUE' }, {}],
    ['the router type in another case', { inferenceRouterServiceType: 'loadbalancer' }, {}],
    ['defaults left out by an older install', { inferenceRouterHA: '', 'scoringFe.serviceType.nodePort': '' }, {}],
    ['settings the inputs do not mention (added by az)', { relayserver: 'x', 'nginxIngress.enabled': 'true' }, {}],
    ['legacy settings that agree', { privateEndpointILB: 'False', privateEndpointNodeport: 'false' }, {}],
    ['the release train in another case', {}, { releaseTrain: 'stable' }],
    ['a newer version on the followed train', {}, { currentVersion: '1.1.99' }],
  ])('finds nothing to change with %s', (_case, settings, extra) => {
    const withoutEmpty = Object.fromEntries(
      Object.entries({ ...INSTALLED_SETTINGS, ...settings }).filter(([, v]) => v !== ''),
    );
    const found = installed({}, { ...extra, configurationSettings: withoutEmpty });

    expect(hasDifferences(compareWithInstalled(desired(), found))).toBe(false);
  });

  it.each<[string, Record<string, string>, Record<string, string>, Partial<InstalledExtension>, string[], boolean]>([
    ['a boolean that differs', { 'inference-router-ha': 'false' }, {}, {}, ['inferenceRouterHA: True → False'], false],
    [
      'a setting not installed yet',
      { 'install-nvidia-device-plugin': 'true' },
      {},
      {},
      ['installNvidiaDevicePlugin: (not set) → True'],
      false,
    ],
    [
      'an extra setting',
      { 'configuration-settings': 'installPromOp=False' },
      {},
      {},
      ['installPromOp: (not set) → False'],
      false,
    ],
    [
      'a legacy setting that contradicts',
      {},
      { privateEndpointILB: 'True' },
      {},
      ['privateEndpointILB: True → False'],
      false,
    ],
    [
      'a setting that must go',
      {},
      { internalLoadBalancerProvider: 'azure' },
      {},
      ['internalLoadBalancerProvider: azure → (removed)'],
      true,
    ],
    ['another release train', { 'release-train': 'preview' }, {}, {}, ['release train: Stable → preview'], false],
    ['a pinned version', { version: '1.1.52' }, {}, {}, ['version: follows the release train → 1.1.52'], false],
    [
      'an unpinned version',
      {},
      {},
      { autoUpgradeMinorVersion: false, version: '1.1.51' },
      ['version: 1.1.51 → follows the release train'],
      false,
    ],
  ])('finds %s', (_case, inputs, settings, extra, lines, replace) => {
    const differences = compareWithInstalled(desired(inputs), installed(settings, extra));

    expect(describeChanges(differences)).toEqual(lines);
    expect(differences.needsReplace).toBe(replace);
  });
});

describe('sameValue', () => {
  it.each([
    ['enableTraining', 'true', 'True', true],
    ['enableTraining', 'false', 'True', false],
    ['inferenceRouterServiceType', 'nodeport', 'NodePort', true],
    ['sslCname', 'ML.contoso.test', 'ml.contoso.test', false],
    ['nodeSelector.pool', 'GPU', 'gpu', false],
  ])('%s: %s vs %s → %s', (key, a, b, same) => {
    expect(sameValue(key, a, b)).toBe(same);
  });
});

describe('writeFor', () => {
  const cluster = { ref: AKS, location: 'westeurope', nodeCount: 3 };

  it('installs with the cluster settings az adds, and the desired ones winning', () => {
    const write = writeFor(
      desired({ 'configuration-settings': 'location=northeurope' }),
      undefined,
      undefined,
      cluster,
    );

    expect(write.kind).toBe('create');
    if (write.kind !== 'create') return;
    expect(write.body.configurationSettings).toMatchObject({
      clusterId: AKS.id,
      cluster_name_friendly: 'aks',
      jobSchedulerLocation: 'westeurope',
      location: 'northeurope',
      'nginxIngress.enabled': 'true',
      'servicebus.enabled': 'false',
    });
    expect(write.body.configurationSettings).not.toHaveProperty('privateEndpointILB');
  });

  it('patches only the changes and leaves protected settings alone without a certificate', () => {
    const want = desired({ 'inference-router-ha': 'false' });
    const found = installed();
    const write = writeFor(want, found, compareWithInstalled(want, found), cluster);

    expect(write).toEqual({ kind: 'update', patch: { configurationSettings: { inferenceRouterHA: 'False' } } });
  });

  it('replaces with the installed settings changed when one must go', () => {
    const want = desired();
    const found = installed({ internalLoadBalancerProvider: 'azure', 'relayserver.enabled': 'false' });
    const write = writeFor(want, found, compareWithInstalled(want, found), cluster);

    expect(write.kind).toBe('replace');
    if (write.kind !== 'replace') return;
    expect(write.body.configurationSettings).toEqual({ ...INSTALLED_SETTINGS, 'relayserver.enabled': 'false' });
    expect(write.body.configurationProtectedSettings).toEqual({});
  });
});
