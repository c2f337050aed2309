import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionInputs, InputError, recordInputSource } from '@arc-ml/actions-kit';
import { selfSigned } from '@arc-ml/test-support';
import { afterAll, describe, expect, it } from '@jest/globals';
import { getInputs } from '../src/inputs.js';
import { BASE_INPUTS, KUBE_TOKEN, KUBECONFIG } from './fakes.js';

const workspace = mkdtempSync(join(tmpdir(), 'connect-arc-inputs-'));
writeFileSync(join(workspace, 'kubeconfig.yaml'), KUBECONFIG);
// The proxy's CA: a real self-signed certificate.
const PROXY_CA = selfSigned('proxy-ca', { days: 1 }).certPem;
writeFileSync(join(workspace, 'proxy-ca.pem'), PROXY_CA);
writeFileSync(join(workspace, 'not-a-cert.pem'), 'hello');

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function read(inputs: Record<string, string>) {
  return getInputs(actionInputs(recordInputSource(inputs), { workspace }), { GITHUB_WORKSPACE: workspace });
}

describe('getInputs', () => {
  it('reads the defaults', () => {
    const settings = read(BASE_INPUTS);

    expect(settings).toMatchObject({
      resourceGroup: 'ml-rg',
      clusterName: 'edge-k3s',
      clusterType: 'auto',
      onboard: false,
      noProxy: [],
      timeoutMs: 20 * 60_000,
      onboardingOnlyInputs: [],
      secrets: [],
    });
    expect(settings.signIn.environment).toBe('azurecloud');
    expect(settings.tags.size).toBe(0);
    expect(settings.kubeconfig).toBeUndefined();
  });

  it('reads every onboarding input and normalizes them as az does', () => {
    const settings = read({
      ...BASE_INPUTS,
      'cluster-type': 'Connected',
      onboard: 'TRUE',
      kubeconfig: 'kubeconfig.yaml',
      location: 'East US 2',
      distribution: 'K3s',
      infrastructure: 'azure_stack_hci',
      'https-proxy': 'http://proxy.contoso.com:3128',
      'no-proxy': 'localhost, 10.0.0.0/8\n.svc',
      tags: 'env=prod\nowner = ml team',
      timeout: '45m',
    });

    expect(settings).toMatchObject({
      clusterType: 'connected',
      onboard: true,
      location: 'eastus2',
      distribution: 'k3s',
      infrastructure: 'azure_stack_hci',
      httpsProxy: 'http://proxy.contoso.com:3128',
      noProxy: ['localhost', '10.0.0.0/8', '.svc'],
      timeoutMs: 45 * 60_000,
    });
    expect(Object.fromEntries(settings.tags)).toEqual({ env: 'prod', owner: 'ml team' });
    expect(settings.kubeconfig).toMatchObject({
      context: 'edge',
      server: 'https://10.0.0.10:6443',
      source: join(workspace, 'kubeconfig.yaml'),
    });
    expect(settings.secrets).toEqual([KUBE_TOKEN]);
  });

  it('takes kubeconfig content and its base64 alike', () => {
    const inline = read({ ...BASE_INPUTS, onboard: 'true', kubeconfig: KUBECONFIG });
    const base64 = read({ ...BASE_INPUTS, onboard: 'true', kubeconfig: Buffer.from(KUBECONFIG).toString('base64') });

    expect(inline.kubeconfig?.text).toBe(KUBECONFIG);
    expect(base64.kubeconfig?.text).toBe(KUBECONFIG);
    expect(base64.kubeconfig?.source).toBe('the kubeconfig input (base64)');
  });

  it('masks proxy credentials and lists onboarding-only inputs when onboard is false', () => {
    const settings = read({
      ...BASE_INPUTS,
      'https-proxy': 'http://u:p%40ss@proxy:3128',
      kubeconfig: KUBECONFIG,
      'no-proxy': 'x',
    });

    expect(settings.secrets).toEqual(['http://u:p%40ss@proxy:3128', 'p@ss']);
    expect(settings.onboardingOnlyInputs).toEqual(['kubeconfig', 'https-proxy', 'no-proxy']);
    expect(settings.kubeconfig).toBeUndefined();
  });

  it.each([
    ['cluster-name', { 'cluster-name': '' }, 'input "cluster-name": a value is required'],
    ['cluster-name', { 'cluster-name': '-edge' }, 'input "cluster-name": "-edge" must be letters, digits'],
    ['cluster-name', { 'cluster-name': 'a'.repeat(64) }, 'is 64 characters long; use 1 to 63'],
    ['resource-group', { 'resource-group': 'rg.' }, 'input "resource-group": "rg." must be letters'],
    ['cluster-type', { 'cluster-type': 'arc' }, 'input "cluster-type": "arc" is not one of auto, connected, aks'],
    ['onboard', { onboard: 'yes' }, 'input "onboard": "yes" is not a boolean; use true or false'],
    ['timeout', { timeout: '10' }, 'input "timeout": "10" has no unit'],
    ['timeout', { timeout: '500ms' }, 'input "timeout": must be at least 1s'],
    ['location', { location: 'east-us' }, 'input "location": "east-us" must be an Azure region'],
    [
      'distribution',
      { distribution: 'k3s v1' },
      'input "distribution": "k3s v1" must be a value az connectedk8s accepts',
    ],
    [
      'https-proxy',
      { 'https-proxy': 'socks5://proxy:1080' },
      'input "https-proxy": "socks5://proxy:1080" is not an http(s) proxy URL',
    ],
    ['tags', { tags: 'a/b=c' }, 'input "tags": tag name "a/b" is not allowed'],
    ['tags', { tags: 'novalue' }, 'input "tags": line 1 "novalue" has no "="'],
    ['proxy-cert', { 'proxy-cert': 'missing.pem' }, 'input "proxy-cert": file "missing.pem" was not found'],
    ['proxy-cert', { 'proxy-cert': 'not-a-cert.pem' }, 'is not a PEM certificate'],
    ['kubeconfig', { onboard: 'true' }, 'input "kubeconfig": a value is required when onboard is true'],
    [
      'kubeconfig',
      { onboard: 'true', kubeconfig: 'clusters.yaml' },
      'input "kubeconfig": "clusters.yaml" is neither a kubeconfig file that exists nor kubeconfig content',
    ],
    [
      'kubeconfig',
      { onboard: 'true', kubeconfig: 'apiVersion: v1\nusers: [{name: a, user: {token: tok-123456}}]' },
      'is not a kubeconfig: it has no contexts',
    ],
    [
      'kubeconfig',
      { onboard: 'true', kubeconfig: 'apiVersion: v1\nkey: [unclosed\nkind: Config' },
      'the kubeconfig input is not valid YAML (line ',
    ],
    [
      'onboard',
      { onboard: 'true', 'cluster-type': 'aks', kubeconfig: KUBECONFIG },
      'input "onboard": true asks to onboard an Arc connected cluster',
    ],
  ])('refuses a bad %s: %j', (input, inputs, message) => {
    let error: unknown;
    try {
      read({ ...BASE_INPUTS, ...inputs });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toContain(message);
  });

  it('never echoes kubeconfig content in its errors', () => {
    const secretKubeconfig = 'apiVersion: v1\nusers:\n- name: a\n  user: {token: sup3r-s3cret-t0ken}\n: : :';
    expect(() => read({ ...BASE_INPUTS, onboard: 'true', kubeconfig: secretKubeconfig })).toThrow(/not valid YAML/);
    try {
      read({ ...BASE_INPUTS, onboard: 'true', kubeconfig: secretKubeconfig });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('sup3r-s3cret-t0ken');
    }
  });

  it('accepts the proxy certificate as PEM content or as a path', () => {
    expect(read({ ...BASE_INPUTS, 'proxy-cert': PROXY_CA }).proxyCert).toEqual({ pem: PROXY_CA.trim() });
    expect(read({ ...BASE_INPUTS, 'proxy-cert': 'proxy-ca.pem' }).proxyCert).toEqual({
      path: join(workspace, 'proxy-ca.pem'),
      pem: PROXY_CA,
    });
  });
});
