import { actionInputs, InputError, recordInputSource } from '@arc-ml/actions-kit';
import { encrypted, selfSigned } from '@arc-ml/test-support';
import { describe, expect, it } from '@jest/globals';
import { getInputs } from '../src/inputs.js';
import { AKS, ARC, CNAME, ENV, HTTPS, TLS } from './support/deps.js';

const OTHER = selfSigned('other.contoso.test');
const NOW = Date.now();

const INSECURE = {
  'cluster-id': ARC.id,
  'inference-router-service-type': 'LoadBalancer',
  'allow-insecure-connections': 'true',
};

const read = (inputs: Record<string, string>, now = NOW) =>
  getInputs(actionInputs(recordInputSource(inputs)), ENV, now);

function inputError(inputs: Record<string, string>): InputError {
  try {
    read(inputs);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('getInputs', () => {
  it('applies the defaults of action.yml', () => {
    const settings = read(INSECURE);

    expect(settings).toMatchObject({
      cluster: ARC,
      extensionName: 'azureml',
      training: true,
      releaseTrain: 'stable',
      timeoutMs: 30 * 60_000,
      inference: {
        allowInsecureConnections: true,
        routerServiceType: 'LoadBalancer',
        internalLoadBalancer: false,
        routerHighAvailability: true,
      },
      warnings: [],
    });
    expect(settings.version).toBeUndefined();
    expect(settings.installNvidiaDevicePlugin).toBeUndefined();
    expect(settings.signIn.subscriptionId).toBe(ENV.AZURE_SUBSCRIPTION_ID);
  });

  it.each([
    ['connected', { 'cluster-type': 'connected', 'cluster-name': 'k3s' }, ARC],
    ['default type', { 'cluster-name': 'k3s' }, ARC],
    ['aks', { 'cluster-type': 'aks', 'cluster-name': 'aks' }, AKS],
    ['managedClusters (az spelling)', { 'cluster-type': 'managedClusters', 'cluster-name': 'aks' }, AKS],
  ])('names the cluster by resource group and name (%s)', (_case, inputs, expected) => {
    const { 'cluster-id': _id, ...rest } = INSECURE;
    expect(read({ ...rest, 'resource-group': 'rg', ...inputs }).cluster).toEqual(expected);
  });

  it.each([
    ['the default cluster type', 'connected'],
    ['its own type', 'aks'],
  ])('takes the type from cluster-id, with %s beside it', (_case, clusterType) => {
    expect(read({ ...INSECURE, 'cluster-id': AKS.id, 'cluster-type': clusterType }).cluster).toEqual(AKS);
  });

  it('reads a cluster id with the casing ARM ignores', () => {
    const id = AKS.id.replace('resourceGroups', 'resourcegroups');
    expect(read({ ...INSECURE, 'cluster-id': id }).cluster).toMatchObject({ kind: 'managed', clusterName: 'aks' });
  });

  it('checks a certificate pair and keeps its fingerprint', () => {
    const settings = read(HTTPS);

    expect(settings.inference?.tls?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(settings.inference?.sslCname).toBe(CNAME);
    expect(settings.warnings).toEqual([]);
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    ['a boolean typo', { 'enable-training': 'ture' }, 'enable-training', /"ture" is not a boolean/],
    ['a yes for a boolean', { 'inference-router-ha': 'yes' }, 'inference-router-ha', /not a boolean/],
    ['no cluster', { 'cluster-id': '' }, 'cluster-id', /a value is required/],
    ['cluster-id and a name', { 'resource-group': 'rg' }, 'cluster-id', /given together with resource-group/],
    [
      'a workspace id as cluster-id',
      {
        'cluster-id': `/subscriptions/${ENV.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w`,
      },
      'cluster-id',
      /not a cluster/,
    ],
    ['a name without a group', { 'cluster-id': '', 'cluster-name': 'k3s' }, 'resource-group', /a value is required/],
    [
      'an invalid cluster name',
      { 'cluster-id': '', 'resource-group': 'rg', 'cluster-name': '-k3s' },
      'cluster-name',
      /connected cluster name/,
    ],
    [
      'a dot in an AKS name',
      { 'cluster-id': '', 'resource-group': 'rg', 'cluster-name': 'a.b', 'cluster-type': 'aks' },
      'cluster-name',
      /AKS cluster name/,
    ],
    [
      'an unknown cluster type',
      { 'cluster-id': '', 'resource-group': 'rg', 'cluster-name': 'k', 'cluster-type': 'eks' },
      'cluster-type',
      /not one of connected, aks/,
    ],
    ['a cluster type with a typo next to cluster-id', { 'cluster-type': 'ask' }, 'cluster-type', /not one of/],
    [
      'cluster-type aks with the id of an Arc cluster',
      { 'cluster-type': 'aks' },
      'cluster-type',
      /is aks, but cluster-id is an Arc connected cluster/,
    ],
    [
      'an invalid resource group',
      { 'cluster-id': '', 'resource-group': 'rg.', 'cluster-name': 'k3s' },
      'resource-group',
      /not ending with/,
    ],
    ['an upper-case extension name', { 'extension-name': 'AzureML' }, 'extension-name', /lowercase letters/],
    [
      'a too long extension name',
      { 'extension-name': 'a'.repeat(54) },
      'extension-name',
      /54 characters long; use 1 to 53/,
    ],
    ['nothing enabled', { 'enable-training': 'false', 'enable-inference': 'false' }, 'enable-training', /both false/],
    [
      'no router service type',
      { 'inference-router-service-type': '' },
      'inference-router-service-type',
      /required when enable-inference is true/,
    ],
    [
      'an unknown router service type',
      { 'inference-router-service-type': 'Ingress' },
      'inference-router-service-type',
      /not one of LoadBalancer, NodePort, ClusterIP/,
    ],
    [
      'an unknown load balancer provider',
      { 'internal-load-balancer-provider': 'aws' },
      'internal-load-balancer-provider',
      /not one of azure/,
    ],
    [
      'NodePort with an internal load balancer',
      { 'inference-router-service-type': 'NodePort', 'internal-load-balancer-provider': 'azure' },
      'internal-load-balancer-provider',
      /exclusive/,
    ],
    [
      'neither certificate nor insecure',
      { 'allow-insecure-connections': 'false' },
      'ssl-cert-pem',
      /needs a TLS certificate/,
    ],
    [
      'a certificate without key',
      { 'allow-insecure-connections': '', 'ssl-cert-pem': TLS.certPem, 'ssl-cname': CNAME },
      'ssl-key-pem',
      /required when ssl-cert-pem/,
    ],
    [
      'a key without certificate',
      { 'allow-insecure-connections': '', 'ssl-key-pem': TLS.keyPem, 'ssl-cname': CNAME },
      'ssl-cert-pem',
      /required when ssl-key-pem/,
    ],
    [
      'a certificate and insecure',
      { 'ssl-cert-pem': TLS.certPem, 'ssl-key-pem': TLS.keyPem },
      'allow-insecure-connections',
      /choose HTTPS or plain HTTP/,
    ],
    [
      'a certificate without cname',
      { 'allow-insecure-connections': '', 'ssl-cert-pem': TLS.certPem, 'ssl-key-pem': TLS.keyPem },
      'ssl-cname',
      /required for HTTPS/,
    ],
    [
      'a key of another certificate',
      { ...HTTPS, 'allow-insecure-connections': '', 'ssl-key-pem': OTHER.keyPem },
      'ssl-key-pem',
      /does not match the certificate/,
    ],
    [
      'an encrypted key',
      { ...HTTPS, 'allow-insecure-connections': '', 'ssl-key-pem': encrypted(TLS.keyPem) },
      'ssl-key-pem',
      /encrypted/,
    ],
    [
      'a path instead of a certificate',
      { ...HTTPS, 'allow-insecure-connections': '', 'ssl-cert-pem': 'certs/tls.crt' },
      'ssl-cert-pem',
      /not PEM text/,
    ],
    [
      'a broken certificate',
      {
        ...HTTPS,
        'allow-insecure-connections': '',
        'ssl-cert-pem': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      },
      'ssl-cert-pem',
      /not a PEM-encoded X.509 certificate/,
    ],
    [
      'a cname with a space',
      { ...HTTPS, 'allow-insecure-connections': '', 'ssl-cname': 'ml contoso' },
      'ssl-cname',
      /DNS name/,
    ],
    ['a version that is not one', { version: 'latest' }, 'version', /a version such as 1.1.53/],
    ['a bad timeout', { timeout: '30' }, 'timeout', /has no unit/],
    [
      'an owned setting in configuration-settings',
      { 'configuration-settings': 'enableTraining=False' },
      'configuration-settings',
      /sets enableTraining, which the input enable-training controls/,
    ],
    [
      'a secret in configuration-settings',
      { 'configuration-settings': 'sslKeyPemFile=x' },
      'configuration-settings',
      /a secret/,
    ],
    ['a line without =', { 'configuration-settings': 'installPromOp' }, 'configuration-settings', /has no "="/],
    [
      'a non-boolean installPromOp',
      { 'configuration-settings': 'installPromOp=no' },
      'configuration-settings',
      /not a boolean/,
    ],
    [
      'both legacy router settings',
      {
        'inference-router-service-type': '',
        'configuration-settings': 'privateEndpointNodeport=True\nprivateEndpointILB=True',
      },
      'configuration-settings',
      /exclusive/,
    ],
    [
      'a legacy setting against an input',
      { 'configuration-settings': 'privateEndpointNodeport=True' },
      'configuration-settings',
      /means inference-router-service-type NodePort, but inference-router-service-type is LoadBalancer/,
    ],
    [
      'legacy HA against an explicit inference-router-ha: false',
      { 'inference-router-ha': 'false', 'configuration-settings': 'inferenceLoadBalancerHA=True' },
      'configuration-settings',
      /means inference-router-ha true, but inference-router-ha is false/,
    ],
    [
      'an unknown cluster purpose',
      { 'configuration-settings': 'clusterPurpose=Prod' },
      'configuration-settings',
      /not DevTest or FastProd/,
    ],
  ])('refuses %s, naming the input', (_case, inputs, input, message) => {
    const error = inputError({ ...INSECURE, ...inputs });

    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  it.each<[string, Record<string, string>, Partial<Record<string, unknown>>, RegExp]>([
    [
      'privateEndpointNodeport=True',
      { 'inference-router-service-type': '', 'configuration-settings': 'privateEndpointNodeport=True' },
      { routerServiceType: 'NodePort', internalLoadBalancer: false },
      /privateEndpointNodeport is a legacy name; mapped to inference-router-service-type: NodePort/,
    ],
    [
      'privateEndpointILB=True',
      { 'inference-router-service-type': '', 'configuration-settings': 'privateEndpointILB=true' },
      { routerServiceType: 'LoadBalancer', internalLoadBalancer: true },
      /privateEndpointILB is a legacy name; mapped to inference-router-service-type: LoadBalancer with internal-load-balancer-provider: azure/,
    ],
    [
      'inferenceLoadBalancerHA=False',
      { 'configuration-settings': 'inferenceLoadBalancerHA=False' },
      { routerHighAvailability: false },
      /inferenceLoadBalancerHA is a legacy name; mapped to inference-router-ha: false/,
    ],
    [
      // The runner passes action.yml's default (true) as if the step set it: the legacy line still decides.
      'inferenceLoadBalancerHA=False with inference-router-ha at its default',
      { 'inference-router-ha': 'true', 'configuration-settings': 'inferenceLoadBalancerHA=False' },
      { routerHighAvailability: false },
      /inferenceLoadBalancerHA is a legacy name; mapped to inference-router-ha: false/,
    ],
    [
      'clusterPurpose=DevTest',
      { 'configuration-settings': 'clusterPurpose=DevTest' },
      { routerHighAvailability: false },
      /clusterPurpose is a legacy name; mapped to inference-router-ha: false/,
    ],
    [
      'privateEndpointNodeport=False',
      { 'configuration-settings': 'privateEndpointNodeport=False' },
      { routerServiceType: 'LoadBalancer' },
      /privateEndpointNodeport=False is a legacy setting with no effect today/,
    ],
  ])('maps the legacy %s with a warning', (_case, inputs, inference, warning) => {
    const settings = read({ ...INSECURE, ...inputs });

    expect(settings.inference).toMatchObject(inference);
    expect(settings.warnings).toContainEqual(expect.stringMatching(warning));
    expect([...settings.extraSettings.keys()]).toEqual([]);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['ClusterIP', { 'inference-router-service-type': 'ClusterIP' }, /a GitHub-hosted runner cannot smoke-test them/],
    [
      'an internal load balancer on Arc',
      { 'internal-load-balancer-provider': 'azure' },
      /supported only on AKS clusters/,
    ],
    [
      'an expired certificate',
      { ...HTTPS, 'allow-insecure-connections': '', 'ssl-cert-pem': TLS.certPem },
      /expired on/,
    ],
    [
      'a cname the certificate does not cover',
      { ...HTTPS, 'allow-insecure-connections': '', 'ssl-cname': 'api.contoso.test' },
      /does not cover ssl-cname "api.contoso.test"/,
    ],
    [
      'inference inputs with inference off',
      { 'enable-inference': 'false' },
      /inference-router-service-type, allow-insecure-connections are ignored because enable-inference is false/,
    ],
  ])('warns about %s', (name, inputs, warning) => {
    const now = name === 'an expired certificate' ? NOW + 400 * 86_400_000 : NOW;
    expect(read({ ...INSECURE, ...inputs }, now).warnings).toContainEqual(expect.stringMatching(warning));
  });

  it('passes other configuration settings through, and reads optional booleans only when given', () => {
    const settings = read({
      ...INSECURE,
      'configuration-settings': '# metrics\ninstallPromOp=False\nnodeSelector.pool=gpu',
      'install-nvidia-device-plugin': 'true',
      openshift: 'false',
      version: '1.1.52',
      'release-train': 'preview',
    });

    expect(Object.fromEntries(settings.extraSettings)).toEqual({ installPromOp: 'False', 'nodeSelector.pool': 'gpu' });
    expect(settings).toMatchObject({
      installNvidiaDevicePlugin: true,
      openshift: false,
      version: '1.1.52',
      releaseTrain: 'preview',
    });
  });

  it('accepts an sslSecret from configuration-settings as the HTTPS certificate', () => {
    const settings = read({
      'cluster-id': ARC.id,
      'inference-router-service-type': 'NodePort',
      'ssl-cname': CNAME,
      'configuration-settings': 'sslSecret=scoring-tls',
    });

    expect(settings.inference).toMatchObject({
      sslSecret: 'scoring-tls',
      sslCname: CNAME,
      allowInsecureConnections: false,
    });
  });
});
