// The built bundle against local Azure on the Arc cluster arc-k3s: bad inputs fail before any
// write, first install, nothing to do on the second run, updates, certificate rotation,
// throttling, a forced failure and its retry, an Offline cluster, a caller without a role.

import { contractCheckerAvailable, runArmContractCheck, selfSigned, visibleLog } from '@arc-ml/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ARC, extensionId, type Harness, RG, startHarness } from './support/local-azure.js';

const TIMEOUT = 120_000;
const CNAME = 'ml.contoso.test';

let h: Harness;
let clusterId: string;
const tls = selfSigned(CNAME);
const https = (pair = tls): Record<string, string> => ({
  'ssl-cert-pem': pair.certPem,
  'ssl-key-pem': pair.keyPem,
  'ssl-cname': CNAME,
});

beforeAll(async () => {
  h = await startHarness();
  await h.onboardArcCluster(ARC);
  clusterId = h.clusterId('connected', ARC);
}, TIMEOUT);

afterAll(async () => {
  await h?.stop();
});

const base = (): Record<string, string> => ({
  'cluster-id': clusterId,
  'inference-router-service-type': 'LoadBalancer',
  ...https(),
});

describe('install-azureml-extension on an Arc cluster', () => {
  const other = selfSigned('other.contoso.test');
  it.each<[string, Record<string, string>, RegExp]>([
    ['a boolean with a typo', { 'enable-training': 'ture' }, /input "enable-training": "ture" is not a boolean/],
    ['no cluster at all', { 'cluster-id': '' }, /input "cluster-id": a value is required/],
    [
      'an invalid extension name',
      { 'extension-name': 'Azure_ML' },
      /input "extension-name": "Azure_ML" must be lowercase letters/,
    ],
    [
      'inference with neither a certificate nor allow-insecure-connections',
      { 'ssl-cert-pem': '', 'ssl-key-pem': '', 'ssl-cname': '' },
      /input "ssl-cert-pem": enable-inference is true, so the scoring endpoint needs a TLS certificate/,
    ],
    [
      'a certificate without its key',
      { 'ssl-key-pem': '' },
      /input "ssl-key-pem": a value is required when ssl-cert-pem/,
    ],
    [
      'a key that does not match the certificate',
      { 'ssl-key-pem': other.keyPem },
      /input "ssl-key-pem": the private key does not match the certificate/,
    ],
    [
      'NodePort with an internal load balancer',
      { 'inference-router-service-type': 'NodePort', 'internal-load-balancer-provider': 'azure' },
      /input "internal-load-balancer-provider": an internal load balancer cannot be used with inference-router-service-type NodePort/,
    ],
  ])(
    'fails before any Azure request with %s',
    async (_case, inputs, message) => {
      const result = await h.run({ ...base(), ...inputs });

      expect(result.exitCode).not.toBe(0);
      expect(result.failure).toMatch(/^install-azureml-extension: /);
      expect(result.failure).toMatch(message);
      expect(result.failure).toMatch(/\nhint: /);
      expect(result.writes).toEqual([]);
      expect(result.arm).toEqual([]);
      expect(visibleLog(result)).not.toContain('PRIVATE KEY');
    },
    TIMEOUT,
  );

  it(
    'installs the extension on the first run: plan first, then the PUT, progress, outputs and a summary',
    async () => {
      const result = await h.run(base());

      expect(result.failure).toBeUndefined();
      expect(result.exitCode).toBe(0);
      expect(result.outputs).toEqual({
        'extension-id': extensionId(clusterId),
        version: '1.1.53',
        'provisioning-state': 'Succeeded',
        changed: 'true',
      });
      const log = visibleLog(result);
      expect(log).toMatch(/Plan for the AzureML extension 'azureml' on the Arc cluster 'arc-k3s'/);
      expect(log).toMatch(
        /Send the protected settings sslCertPemFile, sslKeyPemFile, scoringFe.sslCert, scoringFe.sslKey/,
      );
      expect(log).toMatch(/extension azureml: (Creating|Succeeded) \(elapsed/);
      expect(log).toMatch(/extension azureml: Succeeded after/);
      expect(result.summary).toContain('## AzureML extension installed');
      expect(result.summary).toContain('HTTPS as ml.contoso.test');

      const put = result.writes.filter((t) => t.method === 'PUT');
      expect(put).toHaveLength(1);
      const body = put[0]!.requestBody as {
        properties: {
          configurationSettings: Record<string, string>;
          configurationProtectedSettings: Record<string, string>;
        };
      };
      expect(body.properties.configurationSettings).toMatchObject({
        enableTraining: 'True',
        enableInference: 'True',
        allowInsecureConnections: 'False',
        inferenceRouterServiceType: 'LoadBalancer',
        inferenceRouterHA: 'True',
        sslCname: CNAME,
        clusterId,
      });
      expect(Object.keys(body.properties.configurationProtectedSettings).sort()).toEqual(
        ['scoringFe.sslCert', 'scoringFe.sslKey', 'sslCertPemFile', 'sslKeyPemFile'].sort(),
      );
      expect(JSON.stringify(body.properties.configurationSettings)).not.toContain('PRIVATE KEY');
      // The plan is printed before the write goes out: the log says so before the extension is created.
      expect(log.indexOf('Plan for the AzureML extension')).toBeLessThan(log.indexOf('extension azureml:'));
      for (const line of tls.keyPem.split('\n').filter((l) => l.length > 8 && !l.startsWith('-----'))) {
        expect(log).not.toContain(line);
        expect(result.summary).not.toContain(line);
      }
    },
    TIMEOUT,
  );

  it(
    'does nothing on a second run with the same inputs: changed=false, two ARM reads besides cloud discovery',
    async () => {
      const result = await h.run(base());

      expect(result.exitCode).toBe(0);
      expect(result.outputs['changed']).toBe('false');
      expect(result.outputs['provisioning-state']).toBe('Succeeded');
      expect(result.writes).toEqual([]);
      expect(result.arm.length).toBeLessThanOrEqual(3);
      expect(visibleLog(result)).toContain('is already as asked');
      expect(visibleLog(result)).not.toContain('Plan for');
      expect(result.summary).toContain('already as asked; nothing changed');
    },
    TIMEOUT,
  );

  it(
    'compares booleans case-insensitively: TRUE and True are the same setting',
    async () => {
      const result = await h.run({ ...base(), 'enable-training': 'TRUE', 'inference-router-ha': 'True' });

      expect(result.exitCode).toBe(0);
      expect(result.outputs['changed']).toBe('false');
    },
    TIMEOUT,
  );

  it(
    'waits as Retry-After asks when Resource Manager throttles, then succeeds',
    async () => {
      // 2 s is what the server asks; the client's own backoff before a first retry would be about 1 s.
      await h.azure.admin.setFaults({ throttle: { path: '/extensions/azureml$', times: 1, retryAfterSeconds: 2 } });
      try {
        const result = await h.run(base());

        expect(result.exitCode).toBe(0);
        expect(visibleLog(result)).toMatch(
          /GET .*\/extensions\/azureml\?api-version=2023-05-01: HTTP 429; retry 1 of \d+ in 2s/,
        );
        const gets = result.arm.filter((t) => t.method === 'GET' && /\/extensions\/azureml\?/.test(t.url));
        expect(gets.map((t) => t.status)).toEqual([429, 200]);
        expect(gets[0]!.responseHeaders['retry-after']).toBe('2');
        expect(result.outputs['changed']).toBe('false');
      } finally {
        await h.azure.admin.clearFaults();
      }
    },
    TIMEOUT,
  );

  it(
    'updates changed settings with a PATCH that sends the protected settings again',
    async () => {
      const result = await h.run({
        ...base(),
        'install-nvidia-device-plugin': 'true',
        'configuration-settings': 'installPromOp=False',
      });

      expect(result.exitCode).toBe(0);
      expect(result.outputs['changed']).toBe('true');
      const patch = result.writes.filter((t) => t.method === 'PATCH');
      expect(patch).toHaveLength(1);
      const body = patch[0]!.requestBody as {
        properties: { configurationSettings: Record<string, string>; configurationProtectedSettings?: object };
      };
      expect(body.properties.configurationSettings).toEqual({
        installNvidiaDevicePlugin: 'True',
        installPromOp: 'False',
      });
      expect(Object.keys(body.properties.configurationProtectedSettings ?? {})).toHaveLength(4);
      expect(visibleLog(result)).toMatch(/installNvidiaDevicePlugin: \(not set\) → True/);
      expect(result.summary).toContain('## AzureML extension updated');

      const again = await h.run({
        ...base(),
        'install-nvidia-device-plugin': 'true',
        'configuration-settings': 'installPromOp=False',
      });
      expect(again.outputs['changed']).toBe('false');
    },
    TIMEOUT,
  );

  it(
    'notices a new certificate (by its fingerprint) and sends it',
    async () => {
      const rotated = selfSigned(CNAME);
      const result = await h.run({ ...base(), ...https(rotated) });

      expect(result.exitCode).toBe(0);
      expect(result.outputs['changed']).toBe('true');
      expect(visibleLog(result)).toMatch(/arcMlActions\.sslCertSha256: [0-9a-f]{64} → [0-9a-f]{64}/);
      const again = await h.run({ ...base(), ...https(rotated) });
      expect(again.outputs['changed']).toBe('false');
    },
    TIMEOUT,
  );

  it(
    'maps legacy settings to today’s names with a warning',
    async () => {
      const result = await h.run({
        ...base(),
        ...https(selfSigned(CNAME)),
        'inference-router-service-type': '',
        'configuration-settings': 'privateEndpointNodeport=True\ninferenceLoadBalancerHA=True',
      });

      expect(result.exitCode).toBe(0);
      const warnings = result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      expect(warnings).toContainEqual(
        expect.stringMatching(
          /privateEndpointNodeport is a legacy name; mapped to inference-router-service-type: NodePort/,
        ),
      );
      expect(warnings).toContainEqual(
        expect.stringMatching(/inferenceLoadBalancerHA is a legacy name; mapped to inference-router-ha: true/),
      );
      const patch = result.writes.find((t) => t.method === 'PATCH');
      expect(patch).toBeDefined();
      const settings = (patch!.requestBody as { properties: { configurationSettings: Record<string, string> } })
        .properties.configurationSettings;
      expect(settings).toMatchObject({
        inferenceRouterServiceType: 'NodePort',
        'scoringFe.serviceType.nodePort': 'True',
      });
      expect(settings).not.toHaveProperty('privateEndpointNodeport');
    },
    TIMEOUT,
  );

  it(
    'reports an install that ends Failed with its error and the likely cause, and a re-run retries it',
    async () => {
      await h.azure.admin.setFaults({
        failOperations: {
          kind: 'extension',
          code: 'ExtensionOperationFailed',
          message:
            'Helm installation failed : failed pre-install: pod healthcheck failed: azureml-fe did not become ready',
        },
      });
      let result: Awaited<ReturnType<Harness['run']>>;
      try {
        result = await h.run({ ...base(), 'configuration-settings': 'installVolcano=False' });
      } finally {
        await h.azure.admin.clearFaults();
      }

      expect(result.exitCode).not.toBe(0);
      expect(result.failure).toMatch(
        /the extension 'azureml' on the Arc cluster 'arc-k3s' \(resource group arc-ml-rg\) ended Failed \(ExtensionOperationFailed\)/,
      );
      expect(result.failure).toMatch(/hint: The extension's pods did not become healthy: kubectl get pods -n azureml/);
      expect(visibleLog(result)).toMatch(/errorInfo: ExtensionOperationFailed: Helm installation failed/);
      expect(result.outputs['provisioning-state']).toBe('Failed');
      expect(result.summary).toContain('## AzureML extension FAILED');

      const retry = await h.run({ ...base(), 'configuration-settings': 'installVolcano=False' });
      expect(retry.exitCode).toBe(0);
      expect(retry.outputs['changed']).toBe('true');
      expect(visibleLog(retry)).toMatch(/Run the install of 'azureml' again: it is Failed/);
    },
    TIMEOUT,
  );

  it(
    'fails without writing when the cluster is Offline, and says to run connect-arc',
    async () => {
      await h.azure.admin.request('POST', `/clusters/${ARC}/connectivity`, { status: 'Offline' });
      try {
        const result = await h.run(base());

        expect(result.exitCode).not.toBe(0);
        expect(result.failure).toMatch(/the Arc cluster 'arc-k3s' \(resource group arc-ml-rg\) is Offline/);
        expect(result.failure).toMatch(/hint: Run the connect-arc action before this step/);
        expect(result.writes).toEqual([]);
      } finally {
        await h.azure.admin.request('POST', `/clusters/${ARC}/agents`, { running: true });
      }
    },
    TIMEOUT,
  );

  it(
    'fails with the missing role when the caller has none on the resource group',
    async () => {
      const result = await h.run({ ...base(), 'cluster-id': h.clusterId('connected', ARC, 'no-access-rg') });

      expect(result.exitCode).not.toBe(0);
      expect(result.failure).toMatch(
        /AuthorizationFailed|may not perform Microsoft\.Kubernetes\/connectedClusters\/read/,
      );
      expect(result.failure).toMatch(/Kubernetes Extension Contributor/);
      expect(result.writes).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'fails before writing when the cluster does not exist, pointing at connect-arc',
    async () => {
      const result = await h.run({ ...base(), 'cluster-id': '', 'resource-group': RG, 'cluster-name': 'nope' });

      expect(result.exitCode).not.toBe(0);
      expect(result.failure).toMatch(/the Arc cluster 'nope' \(resource group arc-ml-rg\) was not found/);
      expect(result.failure).toMatch(/connect-arc/);
      expect(result.writes).toEqual([]);
    },
    TIMEOUT,
  );

  it('sent and got only what the ARM specifications allow (arm-contract-check over all the traffic above)', () => {
    expect(contractCheckerAvailable()).toBe(true);
    const check = runArmContractCheck(h.azure.trafficFile);
    expect(check.report).not.toMatch(/^(VIOLATION|UNMATCHED|INVALID)/m);
    expect(check.exitCode).toBe(0);
  });
});
