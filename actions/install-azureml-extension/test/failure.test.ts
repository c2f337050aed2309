import { actionInputs, recordInputSource } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import type { ExtensionStatus, InstalledExtension } from '../src/azure-port.js';
import { failureLines, likelyCause } from '../src/failure.js';
import { getInputs } from '../src/inputs.js';
import { ARC, ENV } from './support/deps.js';

const settings = getInputs(
  actionInputs(
    recordInputSource({
      'cluster-id': ARC.id,
      'inference-router-service-type': 'NodePort',
      'allow-insecure-connections': 'true',
    }),
  ),
  ENV,
);
const context = { settings, cluster: { ref: ARC, nodeCount: 1 } };

const failed = (errorMessage: string, statuses: ExtensionStatus[] = []): InstalledExtension => ({
  id: 'x',
  name: 'azureml',
  provisioningState: 'Failed',
  configurationSettings: {},
  statuses,
  errorInfo: { code: 'ExtensionOperationFailed', message: errorMessage },
  hasIdentity: true,
});

describe('likelyCause', () => {
  it.each<[string, InstalledExtension, RegExp]>([
    [
      'HA on too few nodes',
      failed('pod healthcheck failed', [{ code: 'InsufficientNodesForHA', level: 'Error', message: 'only 1 node' }]),
      /inference-router-ha is true, which needs 3 Linux nodes .*reports 1: set inference-router-ha: false/,
    ],
    [
      'agents that stopped reporting',
      failed('x', [{ code: 'ClusterNotConnected', level: 'Error', message: 'agents stopped reporting' }]),
      /Arc agents stopped reporting .*connect-arc/,
    ],
    [
      'images that cannot be pulled',
      failed('Back-off pulling image: ErrImagePull'),
      /could not pull the extension images/,
    ],
    ['pods that do not fit', failed('0/3 nodes are available: Insufficient cpu'), /did not fit on the nodes/],
    [
      'an unhealthy install',
      failed('Helm installation failed : failed pre-install: pod healthcheck failed'),
      /pods did not become healthy/,
    ],
    ['an error nobody explains', failed('Something odd'), /Azure did not say more .*arcmltsg/],
  ])('names %s', (_case, extension, cause) => {
    expect(likelyCause(extension, context)).toMatch(cause);
  });

  it('prefers the failing status over the generic errorInfo text', () => {
    const extension = failed('failed pre-install: pod healthcheck failed', [
      { code: 'ClusterIpNotReachable', level: 'Warning', message: 'only inside' },
      { code: 'InsufficientNodesForHA', level: 'Error', message: 'azureml-fe replicas never schedule' },
    ]);

    expect(likelyCause(extension, context)).toMatch(/inference-router-ha/);
  });
});

describe('failureLines', () => {
  it('lists errorInfo, then every status', () => {
    const extension = failed('boom', [{ code: 'NoGpuNodes', level: 'Warning', message: 'no GPU' }]);

    expect(failureLines(extension)).toEqual([
      'errorInfo: ExtensionOperationFailed: boom',
      'status: Warning NoGpuNodes: no GPU',
    ]);
  });

  it('falls back to the operation error, and says when Azure said nothing', () => {
    const { errorInfo: _none, ...silent } = failed('');

    expect(failureLines(silent, { code: 'InternalServerError', message: 'agent crashed' })).toEqual([
      'errorInfo: InternalServerError: agent crashed',
    ]);
    expect(failureLines(silent)).toEqual(['Azure reported no errorInfo and no statuses for this failure.']);
  });
});
