// The extension as the inputs ask for it: configuration settings (with what each one must be),
// protected settings, release train and version.

import type { ClusterRef } from '@arc-ml/azure';
import type { InstallSettings } from './inputs.js';
import { CERT_FINGERPRINT_SETTING } from './settings-names.js';

/**
 * What one configuration setting must be:
 * - `set`: exactly `value` (an absent setting counts as `absentEquals`, the extension's default);
 * - `neutral`: absent or `value` is fine, anything else is changed to `value` (legacy settings
 *   that would otherwise contradict today's; never sent on a new install);
 * - `absent`: must not be there (removing a setting takes a full replace of the extension).
 */
export type DesiredSetting =
  | { readonly kind: 'set'; readonly value: string; readonly absentEquals?: string }
  | { readonly kind: 'neutral'; readonly value: string }
  | { readonly kind: 'absent' };

export interface DesiredExtension {
  readonly settings: ReadonlyMap<string, DesiredSetting>;
  /** Sent on every write that needs them (Azure never returns them); empty without a certificate. */
  readonly protectedSettings: Readonly<Record<string, string>>;
  readonly releaseTrain: string;
  readonly autoUpgradeMinorVersion: boolean;
  /** Pinned version (only with autoUpgradeMinorVersion false). */
  readonly version?: string;
}

export const bool = (value: boolean): string => (value ? 'True' : 'False');

export function desiredExtension(settings: InstallSettings): DesiredExtension {
  const map = new Map<string, DesiredSetting>();
  const set = (key: string, value: string, absentEquals?: string) =>
    map.set(key, absentEquals === undefined ? { kind: 'set', value } : { kind: 'set', value, absentEquals });

  set('enableTraining', bool(settings.training), 'False');
  set('enableInference', bool(settings.inference !== undefined), 'False');
  const inference = settings.inference;
  let protectedSettings: Record<string, string> = {};
  if (inference) {
    const nodePort = inference.routerServiceType === 'NodePort';
    set('allowInsecureConnections', bool(inference.allowInsecureConnections), 'False');
    set('inferenceRouterServiceType', inference.routerServiceType);
    set('inferenceRouterHA', bool(inference.routerHighAvailability), 'True');
    // What `az k8s-extension` derives for the chart from the service type and the load balancer.
    set('scoringFe.serviceType.nodePort', bool(nodePort), 'False');
    set('scoringFe.serviceType.internalLoadBalancer', bool(inference.internalLoadBalancer), 'False');
    map.set(
      'internalLoadBalancerProvider',
      inference.internalLoadBalancer ? { kind: 'set', value: 'azure' } : { kind: 'absent' },
    );
    // Legacy settings an older install may carry would contradict today's: they must read False.
    if (!nodePort) map.set('privateEndpointNodeport', { kind: 'neutral', value: 'False' });
    if (!inference.internalLoadBalancer) map.set('privateEndpointILB', { kind: 'neutral', value: 'False' });
    if (inference.sslCname !== undefined) set('sslCname', inference.sslCname);
    if (inference.sslSecret !== undefined) set('scoringFe.sslSecret', inference.sslSecret);
    if (inference.tls) {
      set(CERT_FINGERPRINT_SETTING, inference.tls.fingerprint);
      protectedSettings = tlsProtectedSettings(inference.tls.certPem, inference.tls.keyPem);
    } else {
      map.set(CERT_FINGERPRINT_SETTING, { kind: 'neutral', value: '' });
    }
  }
  if (settings.installNvidiaDevicePlugin !== undefined) {
    set('installNvidiaDevicePlugin', bool(settings.installNvidiaDevicePlugin), 'False');
  }
  if (settings.openshift !== undefined) set('openshift', bool(settings.openshift), 'False');
  for (const [key, value] of settings.extraSettings) set(key, value);

  return {
    settings: map,
    protectedSettings,
    releaseTrain: settings.releaseTrain,
    autoUpgradeMinorVersion: settings.version === undefined,
    ...(settings.version !== undefined ? { version: settings.version } : {}),
  };
}

/** The certificate and key as the extension reads them: PEM text, and base64 of the PEM (as `az` sends it). */
export function tlsProtectedSettings(certPem: string, keyPem: string): Record<string, string> {
  return {
    sslCertPemFile: certPem,
    sslKeyPemFile: keyPem,
    'scoringFe.sslCert': Buffer.from(certPem).toString('base64'),
    'scoringFe.sslKey': Buffer.from(keyPem).toString('base64'),
  };
}

/** What a new install's configurationSettings hold: the desired `set` settings. */
export function settingsForInstall(desired: DesiredExtension): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, setting] of desired.settings) if (setting.kind === 'set') out[key] = setting.value;
  return out;
}

/**
 * The settings `az k8s-extension create` adds about the cluster itself on a new install (the chart
 * labels metrics and finds its region with them). Relay and Service Bus stay off: the action does
 * not create those Azure resources, and current extension versions do not need them.
 */
export function clusterIdentitySettings(cluster: ClusterRef, location: string | undefined): Record<string, string> {
  return {
    clusterId: cluster.id,
    cluster_name: cluster.id,
    cluster_name_friendly: cluster.clusterName,
    'prometheus.prometheusSpec.externalLabels.cluster_name': cluster.id,
    ...(location ? { location, jobSchedulerLocation: location, domain: `${location}.cloudapp.azure.com` } : {}),
    'servicebus.enabled': 'false',
    'relayserver.enabled': 'false',
    'nginxIngress.enabled': cluster.kind === 'managed' ? 'true' : 'false',
  };
}
