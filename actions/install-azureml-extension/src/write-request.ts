// Which write brings the installed extension to the desired one, and its body:
// - not installed → PUT (Extensions_Create) with the cluster settings `az` adds;
// - settings differ → PATCH (Extensions_Update) with just those, and the protected settings again;
// - a setting must be removed → PUT with the installed settings, changed (a PATCH cannot remove);
// - installed but Failed with the same settings → PATCH with the desired settings, to run it again.

import { ActionError } from '@arc-ml/actions-kit';
import type { ClusterInfo, ExtensionBody, ExtensionPatch, InstalledExtension } from './azure-port.js';
import { type Differences, hasDifferences } from './compare.js';
import { clusterIdentitySettings, type DesiredExtension, settingsForInstall } from './desired.js';
import { EXTENSION_TYPE, RELEASE_NAMESPACE } from './settings-names.js';

export type Write =
  | { readonly kind: 'create'; readonly body: ExtensionBody }
  | { readonly kind: 'replace'; readonly body: ExtensionBody }
  | { readonly kind: 'update'; readonly patch: ExtensionPatch };

export function writeFor(
  desired: DesiredExtension,
  installed: InstalledExtension | undefined,
  differences: Differences | undefined,
  cluster: ClusterInfo,
): Write {
  if (!installed) {
    return {
      kind: 'create',
      body: {
        ...release(desired),
        configurationSettings: {
          ...clusterIdentitySettings(cluster.ref, cluster.location),
          ...settingsForInstall(desired),
        },
        configurationProtectedSettings: desired.protectedSettings,
      },
    };
  }
  const sendsProtected = Object.keys(desired.protectedSettings).length > 0;
  if (differences?.needsReplace) {
    requireResendable(installed, 'replacing the extension drops every protected setting not sent again');
    const settings: Record<string, string> = { ...installed.configurationSettings };
    for (const change of differences.settings) {
      if (change.to === null) delete settings[change.key];
      else settings[change.key] = change.to;
    }
    return {
      kind: 'replace',
      body: {
        ...release(desired),
        releaseNamespace: installed.releaseNamespace ?? RELEASE_NAMESPACE,
        configurationSettings: settings,
        configurationProtectedSettings: desired.protectedSettings,
      },
    };
  }
  if (sendsProtected) requireResendable(installed, 'sending protected settings replaces all of them');
  // Nothing differs (a Failed install run again): send the desired settings whole.
  const changed =
    !differences || !hasDifferences(differences)
      ? settingsForInstall(desired)
      : differences.settings.length > 0
        ? Object.fromEntries(differences.settings.map((change) => [change.key, change.to as string]))
        : undefined;
  return {
    kind: 'update',
    patch: {
      ...(changed ? { configurationSettings: changed } : {}),
      ...(sendsProtected ? { configurationProtectedSettings: desired.protectedSettings } : {}),
      ...(differences?.releaseTrain ? { releaseTrain: desired.releaseTrain } : {}),
      ...(differences?.version
        ? { autoUpgradeMinorVersion: desired.autoUpgradeMinorVersion, version: desired.version ?? null }
        : {}),
    },
  };
}

function release(
  desired: DesiredExtension,
): Omit<ExtensionBody, 'configurationSettings' | 'configurationProtectedSettings'> {
  return {
    extensionType: EXTENSION_TYPE,
    autoUpgradeMinorVersion: desired.autoUpgradeMinorVersion,
    releaseTrain: desired.releaseTrain,
    ...(desired.version !== undefined ? { version: desired.version } : {}),
    releaseNamespace: RELEASE_NAMESPACE,
  };
}

/**
 * Azure never returns protected settings, so the action can send again only the ones it owns (the
 * certificate). An extension installed by `az` with Azure Relay, Service Bus or Log Analytics holds
 * their connection strings as protected settings; a write that carries protected settings would
 * drop them. Refuse that instead of breaking the extension.
 */
function requireResendable(installed: InstalledExtension, why: string): void {
  const settings = installed.configurationSettings;
  const on = (key: string) => settings[key]?.trim().toLowerCase() === 'true';
  const held = [
    on('relayserver.enabled') || settings['relayserver.hybridConnectionResourceID'] ? 'Azure Relay' : undefined,
    on('servicebus.enabled') || settings['servicebus.resourceID'] ? 'Service Bus' : undefined,
    on('azure_log_analytics.enabled') ? 'Log Analytics' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (held.length === 0) return;
  throw new ActionError(
    `the installed extension '${installed.name}' keeps ${held.join(', ')} connection strings as protected settings, which Azure never returns, and ${why}`,
    {
      hint: `Make this change once with az k8s-extension update (it re-reads those connection strings), or delete and reinstall the extension with this action (it runs without ${held.join(' and ')}).`,
    },
  );
}
