// Every input, read once, checked together, before anything is sent to Azure.

import {
  actionInputs,
  allOf,
  InputError,
  type InputReader,
  lengthBetween,
  pattern,
  quoteValue,
} from '@arc-ml/actions-kit';
import {
  type AzureSignInSettings,
  type ClusterRef,
  connectedClusterId,
  InvalidResourceIdError,
  managedClusterId,
  parseClusterId,
  readSignInSettings,
  resourceGroupNameRule,
} from '@arc-ml/azure';
import { checkTlsPair, type TlsPair } from './certificate.js';
import { readExtraSettings } from './extra-settings.js';

export const ROUTER_SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;
export type RouterServiceType = (typeof ROUTER_SERVICE_TYPES)[number];

export interface InferenceSettings {
  readonly allowInsecureConnections: boolean;
  readonly routerServiceType: RouterServiceType;
  /** `internalLoadBalancerProvider=azure`: an internal load balancer (AKS only). */
  readonly internalLoadBalancer: boolean;
  readonly routerHighAvailability: boolean;
  /** Certificate and key for HTTPS scoring; sent only as protected settings. */
  readonly tls?: TlsPair;
  readonly sslCname?: string;
  /** A Kubernetes secret in the azureml namespace holding the certificate (from configuration-settings). */
  readonly sslSecret?: string;
}

export interface InstallSettings {
  readonly signIn: AzureSignInSettings;
  readonly cluster: ClusterRef;
  readonly extensionName: string;
  readonly training: boolean;
  /** Undefined when enable-inference is false. */
  readonly inference?: InferenceSettings;
  /** Undefined: not given, the installed value (or the extension's default, False) stays. */
  readonly installNvidiaDevicePlugin?: boolean;
  readonly openshift?: boolean;
  readonly releaseTrain: string;
  /** A pinned version; undefined follows the release train (minor versions auto-upgraded). */
  readonly version?: string;
  /** configuration-settings lines, legacy names already mapped away. */
  readonly extraSettings: ReadonlyMap<string, string>;
  readonly timeoutMs: number;
  /** Things worth a warning that do not stop the action (legacy names mapped, inputs ignored). */
  readonly warnings: readonly string[];
}

export const DEFAULT_EXTENSION_NAME = 'azureml';

const connectedClusterNameRule = pattern(
  /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/,
  'a connected cluster name: 1 to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
);
const managedClusterNameRule = pattern(
  /^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/,
  'an AKS cluster name: 1 to 63 letters, digits, "-" or "_", starting and ending with a letter or digit',
);
/** The extension name becomes the Helm release name: a DNS label of at most 53 characters. */
const extensionNameRule = allOf(
  lengthBetween(1, 53),
  pattern(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'lowercase letters, digits, "-" or ".", starting and ending with a letter or digit (it becomes the Helm release name)',
  ),
);
const releaseTrainRule = pattern(/^[A-Za-z][A-Za-z0-9-]{0,31}$/, 'a release train name such as stable or preview');
const versionRule = pattern(/^\d+\.\d+\.\d+$/, 'a version such as 1.1.53');
const hostNameRule = pattern(
  /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/,
  'the DNS name clients use for the scoring endpoint, e.g. ml.contoso.com',
);

export function getInputs(
  read: InputReader = actionInputs(),
  env: Readonly<Record<string, string | undefined>> = process.env,
  now: number = Date.now(),
): InstallSettings {
  const warnings: string[] = [];
  const signIn = readSignInSettings(read, env);
  const cluster = readCluster(read, signIn.subscriptionId);
  const extensionName =
    read.optional('extension-name', extensionNameRule, {
      hint: 'Use a name like azureml (the default) or azureml-ext.',
    }) ?? DEFAULT_EXTENSION_NAME;
  const training = read.boolean('enable-training', true);
  const inferenceEnabled = read.boolean('enable-inference', true);
  if (!training && !inferenceEnabled) {
    throw new InputError('enable-training', 'enable-training and enable-inference are both false; nothing to install', {
      hint: 'The AzureML extension needs at least one of them: set enable-training: true, enable-inference: true, or both.',
    });
  }
  const extra = readExtraSettings(read, warnings);
  const inference = inferenceEnabled
    ? readInference(read, extra, cluster, now, warnings)
    : ignoreInferenceInputs(read, warnings);
  const version = read.optional('version', versionRule, {
    hint: 'Give a version of the release train (az k8s-extension extension-types list-versions-by-cluster lists them), or leave version out to follow the train.',
  });
  return {
    signIn,
    cluster,
    extensionName,
    training,
    ...(inference ? { inference } : {}),
    ...optionalBoolean(read, 'install-nvidia-device-plugin', 'installNvidiaDevicePlugin'),
    ...optionalBoolean(read, 'openshift', 'openshift'),
    releaseTrain:
      read.optional('release-train', releaseTrainRule, { hint: 'Use stable (the default) or preview.' }) ?? 'stable',
    ...(version !== undefined ? { version } : {}),
    extraSettings: extra.settings,
    timeoutMs: read.duration('timeout', '30m'),
    warnings,
  };
}

function optionalBoolean<K extends string>(read: InputReader, input: string, key: K): Partial<Record<K, boolean>> {
  if (read.optional(input) === undefined) return {};
  return { [key]: read.boolean(input, false) } as Partial<Record<K, boolean>>;
}

/** cluster-id, or resource-group + cluster-name + cluster-type. */
function readCluster(read: InputReader, subscriptionId: string): ClusterRef {
  const clusterId = read.optional('cluster-id');
  const resourceGroup = read.optional('resource-group');
  const clusterName = read.optional('cluster-name');
  const typeText = read.optional('cluster-type');
  if (clusterId !== undefined) {
    if (resourceGroup !== undefined || clusterName !== undefined) {
      throw new InputError(
        'cluster-id',
        'is given together with resource-group or cluster-name; give one or the other',
        {
          hint: 'Keep cluster-id (it names the subscription, group, type and cluster) and remove resource-group and cluster-name.',
        },
      );
    }
    // Still strict (a typo is an error), but only aks can contradict the id: connected is the default the
    // runner passes whether or not the step sets it.
    const kind = clusterKind(read, typeText);
    let cluster: ClusterRef;
    try {
      cluster = parseClusterId(clusterId);
    } catch (error) {
      if (error instanceof InvalidResourceIdError) {
        throw new InputError('cluster-id', error.message.replace(/^"[^"]*" is/, `${quoteValue(clusterId)} is`), {
          hint: 'Use the id connect-arc outputs (cluster-id), e.g. /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Kubernetes/connectedClusters/<name>.',
          cause: error,
        });
      }
      throw error;
    }
    if (kind === 'managed' && cluster.kind === 'connected') {
      throw new InputError('cluster-type', `is ${typeText}, but cluster-id is an Arc connected cluster`, {
        hint: 'cluster-id already says the cluster type: remove cluster-type, or give the id of the AKS cluster (…/providers/Microsoft.ContainerService/managedClusters/<name>).',
      });
    }
    return cluster;
  }
  if (resourceGroup === undefined && clusterName === undefined) {
    throw new InputError('cluster-id', 'a value is required (or resource-group and cluster-name)', {
      hint: 'Pass the cluster-id output of connect-arc, or set resource-group and cluster-name (and cluster-type: aks for an AKS cluster).',
    });
  }
  const kind = clusterKind(read, typeText);
  const group = read.required('resource-group', resourceGroupNameRule, {
    hint: 'Use the resource group the cluster is in.',
  });
  const name = read.required('cluster-name', kind === 'connected' ? connectedClusterNameRule : managedClusterNameRule, {
    hint: kind === 'connected' ? 'Use the name az connectedk8s list shows.' : 'Use the name az aks list shows.',
  });
  const id =
    kind === 'connected'
      ? connectedClusterId(subscriptionId, group, name)
      : managedClusterId(subscriptionId, group, name);
  return { kind, subscriptionId, resourceGroup: group, clusterName: name, id };
}

function clusterKind(read: InputReader, typeText: string | undefined): ClusterRef['kind'] {
  if (typeText === undefined) return 'connected';
  const type = read.enumOf('cluster-type', ['connected', 'aks', 'connectedClusters', 'managedClusters']);
  return type === 'aks' || type === 'managedClusters' ? 'managed' : 'connected';
}

function readInference(
  read: InputReader,
  extra: ReturnType<typeof readExtraSettings>,
  cluster: ClusterRef,
  now: number,
  warnings: string[],
): InferenceSettings {
  const routerServiceType =
    read.enumOf('inference-router-service-type', ROUTER_SERVICE_TYPES) ?? extra.routerServiceType;
  if (routerServiceType === undefined) {
    throw new InputError('inference-router-service-type', 'a value is required when enable-inference is true', {
      hint: 'LoadBalancer (an IP for the scoring endpoint; add internal-load-balancer-provider: azure on AKS for an internal one), NodePort (a port on every node) or ClusterIP (reachable only inside the cluster).',
    });
  }
  if (extra.routerServiceType !== undefined && extra.routerServiceType !== routerServiceType) {
    throw new InputError(
      'configuration-settings',
      `the legacy setting ${extra.routerServiceTypeSource} means inference-router-service-type ${extra.routerServiceType}, but inference-router-service-type is ${routerServiceType}`,
      { hint: 'Remove the legacy line from configuration-settings; inference-router-service-type decides.' },
    );
  }
  const internalLoadBalancer =
    read.enumOf('internal-load-balancer-provider', ['azure']) !== undefined || extra.internalLoadBalancer;
  if (internalLoadBalancer && routerServiceType === 'NodePort') {
    throw new InputError(
      'internal-load-balancer-provider',
      'an internal load balancer cannot be used with inference-router-service-type NodePort; they are exclusive',
      {
        hint: 'For an internal IP use inference-router-service-type: LoadBalancer with internal-load-balancer-provider: azure; for NodePort remove internal-load-balancer-provider.',
      },
    );
  }
  if (internalLoadBalancer && routerServiceType === 'ClusterIP') {
    warnings.push('internal-load-balancer-provider is ignored with inference-router-service-type ClusterIP');
  }
  if (internalLoadBalancer && routerServiceType === 'LoadBalancer' && cluster.kind === 'connected') {
    warnings.push(
      'internal-load-balancer-provider: azure is supported only on AKS clusters; on an Arc cluster the load balancer your cluster provides decides whether the IP is internal',
    );
  }
  if (routerServiceType === 'ClusterIP') {
    warnings.push(
      'inference-router-service-type is ClusterIP: scoring endpoints are reachable only from inside the cluster, so a GitHub-hosted runner cannot smoke-test them (use a self-hosted runner in the cluster, or LoadBalancer/NodePort)',
    );
  }
  const routerHighAvailability = readHighAvailability(read, extra);
  const allowInsecureConnections = read.boolean('allow-insecure-connections', false);
  const certPem = read.optional('ssl-cert-pem');
  const keyPem = read.optional('ssl-key-pem');
  const sslCname = read.optional('ssl-cname', hostNameRule, { hint: 'Give a host name covered by the certificate.' });
  const sslSecret = extra.settings.get('sslSecret');

  if (certPem !== undefined && keyPem === undefined) {
    throw new InputError('ssl-key-pem', 'a value is required when ssl-cert-pem is given', {
      hint: 'Give the certificate and its private key together (both as secrets), or neither.',
    });
  }
  if (keyPem !== undefined && certPem === undefined) {
    throw new InputError('ssl-cert-pem', 'a value is required when ssl-key-pem is given', {
      hint: 'Give the certificate and its private key together (both as secrets), or neither.',
    });
  }
  if (allowInsecureConnections && (certPem !== undefined || sslSecret !== undefined)) {
    throw new InputError(
      'allow-insecure-connections',
      `is true, but a certificate is given too (${certPem !== undefined ? 'ssl-cert-pem' : 'sslSecret'}); choose HTTPS or plain HTTP`,
      { hint: 'Remove allow-insecure-connections for HTTPS scoring, or remove the certificate for plain HTTP.' },
    );
  }
  const https = certPem !== undefined || sslSecret !== undefined;
  if (!https && !allowInsecureConnections) {
    throw new InputError(
      'ssl-cert-pem',
      'enable-inference is true, so the scoring endpoint needs a TLS certificate, or an explicit opt-out of HTTPS',
      {
        hint: 'Give ssl-cert-pem, ssl-key-pem and ssl-cname (from secrets), or set allow-insecure-connections: true to serve plain HTTP (dev/test only). The extension needs the certificate again on every update, so keep passing it.',
      },
    );
  }
  if (https && sslCname === undefined) {
    throw new InputError('ssl-cname', 'a value is required for HTTPS scoring', {
      hint: 'Set the DNS name clients use for the scoring endpoint (it must be in the certificate), e.g. ssl-cname: ml.contoso.com.',
    });
  }
  if (!https && sslCname !== undefined) warnings.push('ssl-cname is ignored with allow-insecure-connections: true');
  let tls: TlsPair | undefined;
  if (certPem !== undefined && keyPem !== undefined) {
    tls = checkTlsPair(certPem, keyPem, sslCname, now);
    warnings.push(...tls.warnings);
  }
  return {
    allowInsecureConnections,
    routerServiceType,
    internalLoadBalancer: internalLoadBalancer && routerServiceType === 'LoadBalancer',
    routerHighAvailability,
    ...(tls ? { tls } : {}),
    ...(https && sslCname !== undefined ? { sslCname } : {}),
    ...(sslSecret !== undefined ? { sslSecret } : {}),
  };
}

/**
 * inference-router-ha, or a legacy HA setting in configuration-settings. The runner passes action.yml's
 * default (true) as if it were given, so only false can be told apart from "not given": a legacy line
 * decides when the input is at its default, and contradicting an explicit false is an error.
 */
function readHighAvailability(read: InputReader, extra: ReturnType<typeof readExtraSettings>): boolean {
  const ha = read.boolean('inference-router-ha', true);
  if (extra.routerHighAvailability === undefined) return ha;
  if (!ha && extra.routerHighAvailability) {
    throw new InputError(
      'configuration-settings',
      `the legacy setting ${extra.routerHighAvailabilitySource} means inference-router-ha ${extra.routerHighAvailability}, but inference-router-ha is ${ha}`,
      { hint: 'Remove the legacy line from configuration-settings; inference-router-ha decides.' },
    );
  }
  return extra.routerHighAvailability;
}

/**
 * enable-inference is false: inference inputs have no effect; say so instead of silently dropping them.
 * The booleans count as given only when they differ from their action.yml default, which the runner
 * passes whether or not the step sets them.
 */
function ignoreInferenceInputs(read: InputReader, warnings: string[]): undefined {
  // Still strict: a typo is a typo even where the value has no effect.
  const ha = read.boolean('inference-router-ha', true);
  const insecure = read.boolean('allow-insecure-connections', false);
  const given = [
    ...['inference-router-service-type', 'internal-load-balancer-provider'].filter(
      (name) => read.optional(name) !== undefined,
    ),
    ...(ha ? [] : ['inference-router-ha']),
    ...(insecure ? ['allow-insecure-connections'] : []),
    ...['ssl-cert-pem', 'ssl-key-pem', 'ssl-cname'].filter((name) => read.optional(name) !== undefined),
  ];
  if (given.length > 0)
    warnings.push(`${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} ignored because enable-inference is false`);
  return undefined;
}
