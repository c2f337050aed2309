// Runs a scenario through the Kubernetes providers, records it as traffic lines, and checks them
// with ../shared/tools/arm-contract-check against the official swagger (connected clusters
// 2021-10-01, extensions 2023-05-01). Managed clusters have no swagger there and are left out.
// Skipped when ../shared or a python with jsonschema is not available.

import { describe, expect, it } from '@jest/globals';
import type { HttpMethod } from '../src/arm/contract.js';
import { RecordedScenario } from './contract-scenario.js';
import {
  AKS_ID,
  ARC,
  ARC_ID,
  clusterPath,
  extensionBody,
  extensionPath,
  harness,
  INSECURE_INFERENCE,
  onboardingBody,
  RG,
  SUB,
  selfSigned,
} from './kubernetes-harness.js';
import { contractCheckAvailable } from './local-azure-support.js';

describe('Kubernetes providers against the ARM contract', () => {
  it('answer every exchange of the scenario as the swagger declares', async () => {
    if (!contractCheckAvailable()) return; // ../shared is absent: the check runs where it is present
    const h = harness();
    const scenario = new RecordedScenario(h);
    const arc = (method: HttpMethod, path: string, body?: unknown, wrongOnPurpose = false) =>
      scenario.send(method, path, '2021-10-01', body, wrongOnPurpose);
    const ext = (method: HttpMethod, path: string, body?: unknown) => scenario.send(method, path, '2023-05-01', body);
    const { certPem, keyPem } = selfSigned('ml.contoso.com');

    // onboarding and the connected cluster's life
    await arc('GET', clusterPath());
    await arc('PUT', clusterPath(), onboardingBody({ identity: undefined }), true);
    await arc('PUT', clusterPath(), onboardingBody({ tags: { team: 'ml' } }));
    await arc('GET', clusterPath());
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: true });
    h.ctx.clock.advance(h.ctx.delayMs('connectivity'));
    await arc('GET', clusterPath());
    await arc('PATCH', clusterPath(), { tags: { team: 'ml', env: 'ci' } });
    await arc('GET', `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.Kubernetes/connectedClusters`);
    await arc('GET', `/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters`);
    await arc('POST', `${clusterPath()}/listClusterUserCredential`, { authenticationMethod: 'AAD', clientProxy: true });
    await arc('POST', `${clusterPath()}/listClusterUserCredential`, {
      authenticationMethod: 'Token',
      clientProxy: false,
    });
    await arc('GET', '/providers/Microsoft.Kubernetes/operations');

    // extensions on the Arc cluster and on AKS
    const arcExt = extensionPath(ARC_ID);
    const settings = { ...INSECURE_INFERENCE, allowInsecureConnections: 'False', sslCname: 'ml.contoso.com' };
    await ext('PUT', extensionPath(`${ARC_ID}-missing`), extensionBody(INSECURE_INFERENCE));
    await ext('PUT', arcExt, extensionBody(settings, { sslCertPemFile: certPem, sslKeyPemFile: keyPem }));
    await ext('GET', `${arcExt}/operations/${h.ctx.operations.last!.id}`);
    await ext('GET', arcExt);
    await ext('PATCH', arcExt, { properties: { configurationSettings: { inferenceRouterHA: 'False' } } });
    await ext('PATCH', arcExt, { properties: { configurationSettings: { inferenceRouterHA: 'False' } } });
    await ext('GET', `${ARC_ID}/providers/Microsoft.KubernetesConfiguration/extensions`);
    await ext(
      'PUT',
      extensionPath(AKS_ID),
      extensionBody({ ...INSECURE_INFERENCE, inferenceRouterServiceType: 'Bogus' }),
    );
    await ext('GET', extensionPath(AKS_ID));
    await ext('GET', `${extensionPath(AKS_ID)}/operations/${h.ctx.operations.last!.id}`);
    await ext('DELETE', extensionPath(AKS_ID));
    await ext('DELETE', extensionPath(AKS_ID));
    await ext('DELETE', `${arcExt}?forceDelete=true`);

    await arc('DELETE', clusterPath());
    await arc('DELETE', clusterPath());

    const report = scenario.check();
    expect(report.violations).toEqual([]);
    expect(report.unmatched).toEqual([]);
  });
});
