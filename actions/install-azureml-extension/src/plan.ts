// The plan printed before anything is written.

import { formatDuration } from '@arc-ml/actions-kit';
import type { InstalledExtension } from './azure-port.js';
import { describeCluster } from './azure-sdk-port.js';
import { type Differences, describeChanges } from './compare.js';
import { type DesiredExtension, settingsForInstall } from './desired.js';
import type { InstallSettings } from './inputs.js';
import { EXTENSION_TYPE } from './settings-names.js';
import type { Write } from './write-request.js';

export function planTitle(settings: InstallSettings): string {
  return `Plan for the AzureML extension '${settings.extensionName}' on ${describeCluster(settings.cluster)}`;
}

export function planSteps(
  write: Write,
  desiredSettings: DesiredExtension,
  settings: InstallSettings,
  installed: InstalledExtension | undefined,
  differences: Differences | undefined,
): string[] {
  const steps: string[] = [];
  const release = settings.version
    ? `version ${settings.version}, pinned`
    : `release train ${settings.releaseTrain}, minor versions auto-upgraded`;
  const changes = differences ? describeChanges(differences) : [];
  const indent = (lines: string[]) => lines.map((line) => `\n       ${line}`).join('');
  let protectedNames: string[] = [];
  switch (write.kind) {
    case 'create': {
      const asked = settingsForInstall(desiredSettings);
      const settingLines = Object.entries(asked).map(([k, v]) => `${k}=${v}`);
      const clusterKeys = Object.keys(write.body.configurationSettings).filter((key) => !(key in asked));
      if (clusterKeys.length > 0) settingLines.push(`and the cluster settings az adds: ${clusterKeys.join(', ')}`);
      steps.push(`Install ${EXTENSION_TYPE} as '${settings.extensionName}' (${release}) with:${indent(settingLines)}`);
      protectedNames = Object.keys(write.body.configurationProtectedSettings);
      break;
    }
    case 'replace':
      steps.push(
        `Replace the settings of '${settings.extensionName}' (PUT; a setting has to be removed, which an update cannot do):${indent(changes)}`,
      );
      protectedNames = Object.keys(write.body.configurationProtectedSettings);
      break;
    case 'update':
      if (changes.length > 0) {
        steps.push(`Update '${settings.extensionName}' (PATCH):${indent(changes)}`);
      } else {
        steps.push(
          `Run the install of '${settings.extensionName}' again: it is ${installed?.provisioningState ?? 'not healthy'}${installed?.errorInfo?.code ? ` (${installed.errorInfo.code})` : ''} with the settings asked for`,
        );
      }
      protectedNames = Object.keys(write.patch.configurationProtectedSettings ?? {});
      break;
  }
  if (protectedNames.length > 0) {
    steps.push(`Send the protected settings ${protectedNames.join(', ')} (values hidden; Azure never returns them)`);
  }
  steps.push(`Wait up to ${formatDuration(settings.timeoutMs)} for provisioning state Succeeded`);
  return steps;
}
