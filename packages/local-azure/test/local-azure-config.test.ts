import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import { loadConfigFile, normalizeConfig, resolvePlaceholders } from '../src/config/load.js';
import { REDACTED, redact, redactExchange } from '../src/http/traffic.js';

describe('config', () => {
  it('accepts the default config as it is', () => {
    expect(normalizeConfig(DEFAULT_CONFIG)).toMatchObject({
      subscriptionId: DEFAULT_CONFIG.subscriptionId,
      clusters: [
        { name: 'arc-k3s', kind: 'arc' },
        { name: 'aks-ml', kind: 'aks' },
      ],
    });
  });

  it('reads YAML, fills what it leaves out from the default, and fills node defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-azure-config-'));
    try {
      const file = join(dir, 'local-azure.yaml');
      writeFileSync(
        file,
        [
          'location: westeurope',
          'clusters:',
          '  - name: gpu-k3s',
          '    resourceGroup: arc-ml-rg',
          '    kind: arc',
          '    distribution: k3s',
          '    nodes:',
          '      - { name: gpu-0, cpu: 8, memoryGi: 64, gpu: 1 }',
          'faults:',
          '  throttle: { everyNth: 10 }',
        ].join('\n'),
      );
      const config = loadConfigFile(file);
      expect(config.location).toBe('westeurope');
      expect(config.tenantId).toBe(DEFAULT_CONFIG.tenantId);
      expect(config.clusters).toEqual([
        {
          name: 'gpu-k3s',
          resourceGroup: 'arc-ml-rg',
          kind: 'arc',
          kubernetesVersion: '1.30.4',
          distribution: 'k3s',
          connected: false,
          namespaces: ['default', 'kube-system'],
          nodes: [
            { name: 'gpu-0', cpu: 8, memoryGi: 64, gpu: 1, os: 'linux', labels: { 'kubernetes.io/os': 'linux' } },
          ],
        },
      ]);
      expect(config.faults).toEqual({ throttle: { everyNth: 10 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ tenantId: 'not-a-guid' }, /config\.tenantId: "not-a-guid" is not a GUID/],
    [{ colour: 'blue' }, /config\.colour: unknown field/],
    [
      { workspaces: [{ name: 'mlw', resourceGroup: 'elsewhere' }] },
      /config\.workspaces\[0\]\.resourceGroup: resource group "elsewhere" is not declared/,
    ],
    [
      {
        apps: [
          { ...DEFAULT_CONFIG.apps[0], roleAssignments: [{ role: 'Wizard', scope: '/subscriptions/{subscription}' }] },
        ],
      },
      /config\.apps\[0\]\.roleAssignments\[0\]\.role: unknown role "Wizard"/,
    ],
    [
      { clusters: [{ ...DEFAULT_CONFIG.clusters[0], kind: 'eks' }] },
      /config\.clusters\[0\]\.kind: "eks" is not "arc" or "aks"/,
    ],
    [
      { clusters: [DEFAULT_CONFIG.clusters[0], { ...DEFAULT_CONFIG.clusters[1], name: 'ARC-K3S' }] },
      /config\.clusters \(name\): "arc-k3s" is declared twice/,
    ],
    [{ faults: { throttle: { everyNth: 0 } } }, /config\.faults\.throttle\.everyNth/],
  ])('names the field that is wrong: %j', (config, message) => {
    expect(() => normalizeConfig(config)).toThrow(message);
  });

  it('replaces {subscription} in scopes and {github} in federated credentials', () => {
    const resolved = resolvePlaceholders(DEFAULT_CONFIG, 'https://127.0.0.1:1/github');
    expect(resolved.apps[0]?.federatedCredentials[0]?.issuer).toBe('https://127.0.0.1:1/github');
    expect(resolved.apps[0]?.roleAssignments[0]?.scope).toBe(
      `/subscriptions/${DEFAULT_CONFIG.subscriptionId}/resourceGroups/arc-ml-rg`,
    );
  });
});

describe('traffic redaction', () => {
  it('redacts keys, tokens, secrets and protected settings but keeps the shape', () => {
    expect(
      redact({
        primaryKey: 'k1',
        secondaryKey: 'k2',
        secrets: { secretsType: 'AccountKey', key: 'abc' },
        properties: {
          configurationProtectedSettings: { 'scoringFe.sslKey': 'PEM' },
          configurationSettings: { a: 'b' },
        },
        kubeconfigs: [{ name: 'clusterUser', value: 'base64' }],
        value: [{ name: 'not a secret' }],
        url: 'https://127.0.0.1/devstoreaccount1/c/b?sv=2021&sig=abcdef&se=1',
        connection: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=xyz==;',
      }),
    ).toEqual({
      primaryKey: REDACTED,
      secondaryKey: REDACTED,
      secrets: { secretsType: 'AccountKey', key: REDACTED },
      properties: {
        configurationProtectedSettings: { 'scoringFe.sslKey': REDACTED },
        configurationSettings: { a: 'b' },
      },
      kubeconfigs: [{ name: 'clusterUser', value: REDACTED }],
      value: [{ name: 'not a secret' }],
      url: `https://127.0.0.1/devstoreaccount1/c/b?sv=2021&sig=${REDACTED}&se=1`,
      connection: `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${REDACTED};`,
    });
  });

  it('redacts the Authorization header and the client assertion of a token request', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const exchange = redactExchange({
      started: Date.now(),
      method: 'POST',
      url: 'https://127.0.0.1/t/oauth2/v2.0/token',
      status: 200,
      requestHeaders: { authorization: `Bearer ${jwt}`, 'content-type': 'application/x-www-form-urlencoded' },
      requestBody: Buffer.from(`client_id=c&client_assertion=${jwt}&scope=s`),
      responseHeaders: {},
      responseBody: { access_token: jwt, token_type: 'Bearer' },
    });
    expect(exchange.requestHeaders.authorization).toBe(`Bearer ${REDACTED}`);
    expect(exchange.requestBody).toBe(`client_id=c&client_assertion=${encodeURIComponent(REDACTED)}&scope=s`);
    expect(exchange.responseBody).toEqual({ access_token: REDACTED, token_type: 'Bearer' });
    expect(JSON.stringify(exchange)).not.toContain(jwt);
  });
});
