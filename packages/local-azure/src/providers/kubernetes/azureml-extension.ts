// The AzureML extension's (`Microsoft.AzureML.Kubernetes`) own settings rules. Azure's
// Kubernetes configuration RP does not know them: `az k8s-extension create` checks some on the
// client, and when a request skips the CLI (an SDK, Terraform, these actions) the extension's
// helm pre-install health check catches them, and the install ends `Failed` with
// ExtensionOperationFailed ("failed pre-install: pod healthcheck failed"). So these rules decide
// the outcome of the long-running operation, not the PUT's status code.
//
// Settings are read as the CLI and the chart read them: from configurationSettings first, then
// configurationProtectedSettings; booleans are the strings True/False in any case.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { ClusterKind, NodeConfig } from '../../config/types.js';

export const AZUREML_EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';

export interface AzureMlCluster {
  readonly kind: ClusterKind;
  readonly nodes: readonly NodeConfig[];
  readonly distribution?: string;
}

export interface Finding {
  /** Stable code, shown as the status code. */
  readonly code: string;
  readonly message: string;
}

export interface AzureMlCheck {
  /** What makes the install fail. */
  readonly errors: readonly Finding[];
  /** What the extension reports but installs anyway. */
  readonly warnings: readonly Finding[];
}

const SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;
type ServiceType = (typeof SERVICE_TYPES)[number];

const BOOLEAN_SETTINGS = [
  'enableTraining',
  'enableInference',
  'allowInsecureConnections',
  'inferenceRouterHA',
  'installNvidiaDevicePlugin',
  'installPromOp',
  'installVolcano',
  'installDcgmExporter',
  'openshift',
  'privateEndpointNodeport',
  'privateEndpointILB',
  'inferenceLoadBalancerHA',
] as const;

export function checkAzureMlSettings(
  settings: Readonly<Record<string, string>>,
  protectedSettings: Readonly<Record<string, string>>,
  cluster: AzureMlCluster,
  now: number,
): AzureMlCheck {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const value = (key: string): string | undefined => settings[key] ?? protectedSettings[key];
  const flag = (key: string): boolean | undefined => {
    const raw = value(key);
    return raw === undefined ? undefined : raw.trim().toLowerCase() === 'true';
  };

  for (const key of BOOLEAN_SETTINGS) {
    const raw = value(key);
    if (raw !== undefined && !['true', 'false'].includes(raw.trim().toLowerCase())) {
      errors.push({ code: 'InvalidBooleanSetting', message: `${key} must be True or False; got '${raw}'.` });
    }
  }

  const training = flag('enableTraining') ?? false;
  const inference = flag('enableInference') ?? false;
  if (!training && !inference) {
    errors.push({
      code: 'NoComponentEnabled',
      message:
        'Neither training nor inference is enabled: set enableTraining=True or enableInference=True in configurationSettings.',
    });
  }
  if (inference) checkInference(value, flag, cluster, now, errors, warnings);
  else if (value('inferenceRouterServiceType') !== undefined) {
    warnings.push({
      code: 'InferenceSettingIgnored',
      message:
        'inferenceRouterServiceType is set but enableInference is not True; the inference router is not installed.',
    });
  }

  if (flag('installNvidiaDevicePlugin') && !cluster.nodes.some((node) => node.gpu > 0)) {
    warnings.push({
      code: 'NoGpuNodes',
      message:
        'installNvidiaDevicePlugin is True but no node of the cluster has a GPU; the device plugin runs but advertises no nvidia.com/gpu resources.',
    });
  }
  if (cluster.distribution?.toLowerCase() === 'openshift' && !flag('openshift')) {
    warnings.push({
      code: 'OpenShiftSettingMissing',
      message:
        'The cluster runs OpenShift but openshift=True is not set; the extension needs it to get privileged security context constraints.',
    });
  }
  return { errors, warnings };
}

function checkInference(
  value: (key: string) => string | undefined,
  flag: (key: string) => boolean | undefined,
  cluster: AzureMlCluster,
  now: number,
  errors: Finding[],
  warnings: Finding[],
): void {
  checkSsl(value, flag, now, errors, warnings);
  const serviceType = routerServiceType(value, flag, errors, warnings);
  checkInternalLoadBalancer(value, flag, serviceType, cluster, errors, warnings);
  if (serviceType === 'ClusterIP') {
    warnings.push({
      code: 'ClusterIpNotReachable',
      message:
        'inferenceRouterServiceType is ClusterIP: scoring endpoints are reachable only from inside the cluster (not from a hosted runner).',
    });
  }
  const ha = routerHighAvailability(value, flag, errors, warnings);
  const linuxNodes = cluster.nodes.filter((node) => node.os === 'linux').length;
  if (ha && linuxNodes < 3) {
    errors.push({
      code: 'InsufficientNodesForHA',
      message: `inferenceRouterHA is True (the default), so azureml-fe runs 3 replicas on 3 different nodes, but the cluster has only ${linuxNodes} Linux node${linuxNodes === 1 ? '' : 's'}; the replicas never schedule. Add nodes, or set inferenceRouterHA=False on a dev/test cluster.`,
    });
  }
}

function checkSsl(
  value: (key: string) => string | undefined,
  flag: (key: string) => boolean | undefined,
  now: number,
  errors: Finding[],
  warnings: Finding[],
): void {
  const insecure = flag('allowInsecureConnections') ?? false;
  const certificate = value('sslCertPemFile') ?? base64Text(value('scoringFe.sslCert'));
  const key = value('sslKeyPemFile') ?? base64Text(value('scoringFe.sslKey'));
  const secret = value('sslSecret');
  if (certificate !== undefined && key === undefined) {
    errors.push({
      code: 'SslKeyMissing',
      message: 'sslCertPemFile is set but sslKeyPemFile is not: give both, as configurationProtectedSettings.',
    });
  }
  if (key !== undefined && certificate === undefined) {
    errors.push({
      code: 'SslCertificateMissing',
      message: 'sslKeyPemFile is set but sslCertPemFile is not: give both, as configurationProtectedSettings.',
    });
  }
  const pair = certificate !== undefined && key !== undefined;
  if (!pair && !secret && !insecure && certificate === undefined && key === undefined) {
    errors.push({
      code: 'SslNotConfigured',
      message:
        'Inference needs HTTPS or an explicit opt-out: give sslCertPemFile and sslKeyPemFile in configurationProtectedSettings (or sslSecret, a Kubernetes secret in the azureml namespace), or set allowInsecureConnections=True to serve plain HTTP.',
    });
  }
  if (pair) checkCertificatePair(certificate, key, value('sslCname'), now, errors, warnings);
  if ((pair || secret) && !insecure && !value('sslCname')) {
    errors.push({
      code: 'SslCnameMissing',
      message:
        'HTTPS is enabled but sslCname is not set: give the DNS name clients use for the scoring endpoint in configurationSettings.',
    });
  }
}

function checkCertificatePair(
  certificatePem: string,
  keyPem: string,
  cname: string | undefined,
  now: number,
  errors: Finding[],
  warnings: Finding[],
): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    errors.push({ code: 'InvalidSslCertificate', message: 'sslCertPemFile is not a PEM-encoded X.509 certificate.' });
    return;
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    errors.push({
      code: 'InvalidSslKey',
      message: 'sslKeyPemFile is not a PEM-encoded private key (or it is encrypted).',
    });
    return;
  }
  if (!certificate.checkPrivateKey(key)) {
    errors.push({
      code: 'SslKeyMismatch',
      message: `sslKeyPemFile does not match the certificate in sslCertPemFile (subject ${certificate.subject.replaceAll('\n', ', ')}).`,
    });
  }
  if (Date.parse(certificate.validTo) < now) {
    warnings.push({
      code: 'SslCertificateExpired',
      message: `The certificate in sslCertPemFile expired on ${certificate.validTo}.`,
    });
  }
  if (cname && certificate.checkHost(cname) === undefined) {
    warnings.push({
      code: 'SslCnameNotInCertificate',
      message: `The certificate in sslCertPemFile does not cover sslCname '${cname}'.`,
    });
  }
}

function routerServiceType(
  value: (key: string) => string | undefined,
  flag: (key: string) => boolean | undefined,
  errors: Finding[],
  warnings: Finding[],
): ServiceType | undefined {
  const legacyNodePort = flag('privateEndpointNodeport');
  const legacyIlb = flag('privateEndpointILB');
  if (legacyNodePort !== undefined) {
    warnings.push(legacy('privateEndpointNodeport', 'inferenceRouterServiceType=NodePort'));
  }
  if (legacyIlb !== undefined) {
    warnings.push(
      legacy('privateEndpointILB', 'inferenceRouterServiceType=LoadBalancer with internalLoadBalancerProvider=azure'),
    );
  }
  if (legacyNodePort && legacyIlb) {
    errors.push({
      code: 'ConflictingServiceType',
      message:
        'privateEndpointNodeport=True and privateEndpointILB=True are exclusive: the inference router is either a NodePort or an internal load balancer.',
    });
  }
  const raw = value('inferenceRouterServiceType');
  if (raw === undefined) {
    if (legacyNodePort) return 'NodePort';
    if (legacyIlb) return 'LoadBalancer';
    errors.push({
      code: 'InferenceRouterServiceTypeMissing',
      message:
        'Inference is enabled but inferenceRouterServiceType is not set: use LoadBalancer, NodePort or ClusterIP (and internalLoadBalancerProvider=azure for an internal load balancer on AKS).',
    });
    return undefined;
  }
  const type = SERVICE_TYPES.find((t) => t.toLowerCase() === raw.trim().toLowerCase());
  if (!type) {
    errors.push({
      code: 'InvalidInferenceRouterServiceType',
      message: `inferenceRouterServiceType '${raw}' is not supported: use LoadBalancer, NodePort or ClusterIP.`,
    });
  }
  return type;
}

function checkInternalLoadBalancer(
  value: (key: string) => string | undefined,
  flag: (key: string) => boolean | undefined,
  serviceType: ServiceType | undefined,
  cluster: AzureMlCluster,
  errors: Finding[],
  warnings: Finding[],
): void {
  const provider = value('internalLoadBalancerProvider');
  if (provider !== undefined && provider.trim().toLowerCase() !== 'azure') {
    errors.push({
      code: 'InvalidInternalLoadBalancerProvider',
      message: `internalLoadBalancerProvider '${provider}' is not supported: the only provider is 'azure'.`,
    });
  }
  const internal = provider?.trim().toLowerCase() === 'azure' || (flag('privateEndpointILB') ?? false);
  if (!internal) return;
  if (serviceType === 'NodePort') {
    errors.push({
      code: 'NodePortWithInternalLoadBalancer',
      message:
        'inferenceRouterServiceType NodePort and an internal load balancer (internalLoadBalancerProvider=azure) are exclusive: choose one.',
    });
  } else if (serviceType === 'ClusterIP') {
    warnings.push({
      code: 'InternalLoadBalancerIgnored',
      message: 'internalLoadBalancerProvider is ignored with inferenceRouterServiceType ClusterIP.',
    });
  }
  if (cluster.kind !== 'aks') {
    warnings.push({
      code: 'InternalLoadBalancerNotSupported',
      message: 'The Azure internal load balancer is supported only on AKS clusters.',
    });
  }
}

/** inferenceRouterHA, else the legacy inferenceLoadBalancerHA, else the legacy clusterPurpose; default True. */
function routerHighAvailability(
  value: (key: string) => string | undefined,
  flag: (key: string) => boolean | undefined,
  errors: Finding[],
  warnings: Finding[],
): boolean {
  const legacyHa = flag('inferenceLoadBalancerHA');
  if (legacyHa !== undefined) warnings.push(legacy('inferenceLoadBalancerHA', 'inferenceRouterHA'));
  const purpose = value('clusterPurpose');
  let purposeHa: boolean | undefined;
  if (purpose !== undefined) {
    if (purpose.trim().toLowerCase() === 'devtest') purposeHa = false;
    else if (purpose.trim().toLowerCase() === 'fastprod') purposeHa = true;
    else {
      errors.push({
        code: 'InvalidClusterPurpose',
        message: `clusterPurpose '${purpose}' is not supported: use DevTest or FastProd (or, better, inferenceRouterHA).`,
      });
    }
    warnings.push(legacy('clusterPurpose', 'inferenceRouterHA (DevTest = False, FastProd = True)'));
  }
  return flag('inferenceRouterHA') ?? legacyHa ?? purposeHa ?? true;
}

function legacy(name: string, replacement: string): Finding {
  return { code: 'LegacySetting', message: `${name} is a legacy setting; use ${replacement}.` };
}

/** scoringFe.sslCert / scoringFe.sslKey hold base64 of the PEM text (what the CLI sends). */
function base64Text(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}
