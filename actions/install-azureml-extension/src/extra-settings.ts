// configuration-settings: extra `key=value` lines passed to the extension as they are, except
// the names an input owns (refused: two places for one setting is one too many), secrets (refused:
// configuration settings are readable by anyone who can read the cluster) and the legacy names
// from older docs, which are mapped to today's settings with a warning.

import { InputError, type InputReader, quoteValue } from '@arc-ml/actions-kit';
import { CERT_FINGERPRINT_SETTING } from './settings-names.js';

const INPUT = 'configuration-settings';

/** Settings an input of this action sets; configuration-settings may not set them too. */
export const INPUT_OWNED_SETTINGS: Readonly<Record<string, string>> = {
  enableTraining: 'enable-training',
  enableInference: 'enable-inference',
  allowInsecureConnections: 'allow-insecure-connections',
  inferenceRouterServiceType: 'inference-router-service-type',
  internalLoadBalancerProvider: 'internal-load-balancer-provider',
  inferenceRouterHA: 'inference-router-ha',
  installNvidiaDevicePlugin: 'install-nvidia-device-plugin',
  openshift: 'openshift',
  sslCname: 'ssl-cname',
  'scoringFe.serviceType.nodePort': 'inference-router-service-type',
  'scoringFe.serviceType.internalLoadBalancer': 'internal-load-balancer-provider',
  'scoringFe.sslSecret': 'configuration-settings sslSecret',
  [CERT_FINGERPRINT_SETTING]: 'ssl-cert-pem',
};

/** Protected settings: never in configurationSettings. */
const SECRET_SETTINGS = ['sslCertPemFile', 'sslKeyPemFile', 'scoringFe.sslCert', 'scoringFe.sslKey'];

/** Boolean settings of the extension that may come through configuration-settings. */
const BOOLEAN_SETTINGS = ['installPromOp', 'installVolcano', 'installDcgmExporter'];

const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

export interface ExtraSettings {
  /** What goes to configurationSettings as given (legacy names removed). */
  readonly settings: ReadonlyMap<string, string>;
  /** From privateEndpointNodeport / privateEndpointILB. */
  readonly routerServiceType?: 'NodePort' | 'LoadBalancer';
  readonly routerServiceTypeSource?: string;
  /** From privateEndpointILB=True. */
  readonly internalLoadBalancer: boolean;
  /** From inferenceLoadBalancerHA or clusterPurpose. */
  readonly routerHighAvailability?: boolean;
  readonly routerHighAvailabilitySource?: string;
}

export function readExtraSettings(read: InputReader, warnings: string[]): ExtraSettings {
  const lines = read.keyValues(INPUT);
  const settings = new Map<string, string>();
  let nodePort: boolean | undefined;
  let internalLb: boolean | undefined;
  let ha: { value: boolean; source: string } | undefined;

  for (const [key, value] of lines) {
    if (!KEY.test(key)) {
      throw new InputError(
        INPUT,
        `${quoteValue(key)} is not a setting name; use letters, digits, "_", ".", "-" or "/"`,
      );
    }
    const owner = INPUT_OWNED_SETTINGS[key];
    if (owner !== undefined) {
      throw new InputError(INPUT, `sets ${key}, which the input ${owner} controls`, {
        hint: `Remove the ${key} line and use ${owner} instead.`,
      });
    }
    if (SECRET_SETTINGS.includes(key)) {
      throw new InputError(INPUT, `sets ${key}, a secret that would be readable by anyone who can read the cluster`, {
        hint: 'Give the certificate and key with ssl-cert-pem and ssl-key-pem: they are sent only as protected settings.',
      });
    }
    switch (key) {
      case 'privateEndpointNodeport':
        nodePort = legacyBoolean(key, value);
        warnings.push(legacyWarning(key, value, nodePort, 'inference-router-service-type: NodePort'));
        break;
      case 'privateEndpointILB':
        internalLb = legacyBoolean(key, value);
        warnings.push(
          legacyWarning(
            key,
            value,
            internalLb,
            'inference-router-service-type: LoadBalancer with internal-load-balancer-provider: azure',
          ),
        );
        break;
      case 'inferenceLoadBalancerHA': {
        const next = { value: legacyBoolean(key, value), source: `${key}=${value}` };
        ha = sameHa(ha, next);
        warnings.push(
          `${INPUT}: ${key} is a legacy name; mapped to inference-router-ha: ${next.value} (use that input)`,
        );
        break;
      }
      case 'clusterPurpose': {
        const purpose = value.toLowerCase();
        if (purpose !== 'devtest' && purpose !== 'fastprod') {
          throw new InputError(INPUT, `clusterPurpose ${quoteValue(value)} is not DevTest or FastProd`, {
            hint: 'clusterPurpose is a legacy name: use inference-router-ha (false for DevTest, true for FastProd).',
          });
        }
        const next = { value: purpose === 'fastprod', source: `${key}=${value}` };
        ha = sameHa(ha, next);
        warnings.push(
          `${INPUT}: ${key} is a legacy name; mapped to inference-router-ha: ${next.value} (use that input)`,
        );
        break;
      }
      default:
        if (BOOLEAN_SETTINGS.includes(key) && !/^(true|false)$/i.test(value)) {
          throw new InputError(INPUT, `${key}=${quoteValue(value)} is not a boolean; use True or False`);
        }
        settings.set(key, value);
    }
  }
  if (nodePort && internalLb) {
    throw new InputError(INPUT, 'privateEndpointNodeport=True and privateEndpointILB=True are exclusive', {
      hint: 'Use inference-router-service-type: NodePort, or LoadBalancer with internal-load-balancer-provider: azure, and remove both legacy lines.',
    });
  }
  const routerServiceType = nodePort ? 'NodePort' : internalLb ? 'LoadBalancer' : undefined;
  return {
    settings,
    ...(routerServiceType
      ? {
          routerServiceType,
          routerServiceTypeSource: nodePort ? 'privateEndpointNodeport=True' : 'privateEndpointILB=True',
        }
      : {}),
    internalLoadBalancer: internalLb === true,
    ...(ha ? { routerHighAvailability: ha.value, routerHighAvailabilitySource: ha.source } : {}),
  };
}

function legacyBoolean(key: string, value: string): boolean {
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new InputError(INPUT, `${key}=${quoteValue(value)} is not a boolean; use True or False`);
}

function legacyWarning(key: string, value: string, on: boolean, replacement: string): string {
  return on
    ? `${INPUT}: ${key} is a legacy name; mapped to ${replacement} (use that instead)`
    : `${INPUT}: ${key}=${value} is a legacy setting with no effect today; removed (use ${replacement.split(' with ')[0]} to choose the router)`;
}

function sameHa(
  previous: { value: boolean; source: string } | undefined,
  next: { value: boolean; source: string },
): { value: boolean; source: string } {
  if (previous && previous.value !== next.value) {
    throw new InputError(INPUT, `${previous.source} and ${next.source} disagree about high availability`, {
      hint: 'Remove both legacy lines and set inference-router-ha.',
    });
  }
  return next;
}
