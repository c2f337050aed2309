// Desired settings against the installed extension: what differs, and whether a PATCH can say it.
// Booleans compare case-insensitively ("true" = "True"), as the chart reads them; settings the
// inputs do not mention (added by `az`, or by hand) are left alone.

import type { InstalledExtension } from './azure-port.js';
import type { DesiredExtension } from './desired.js';
import { CASE_INSENSITIVE_SETTINGS } from './settings-names.js';

export interface SettingChange {
  readonly key: string;
  /** Installed value; undefined when absent. */
  readonly from?: string;
  /** New value; null removes the setting. */
  readonly to: string | null;
}

export interface Differences {
  readonly settings: readonly SettingChange[];
  readonly releaseTrain?: { readonly from?: string; readonly to: string };
  /** Pinning: `to` undefined means "follow the release train". */
  readonly version?: { readonly from?: string; readonly to?: string };
  /** A setting must be removed, which only replacing the extension (PUT) can do. */
  readonly needsReplace: boolean;
}

export function compareWithInstalled(desired: DesiredExtension, installed: InstalledExtension): Differences {
  const current = installed.configurationSettings;
  const settings: SettingChange[] = [];
  for (const [key, want] of desired.settings) {
    const has = Object.hasOwn(current, key) ? current[key] : undefined;
    switch (want.kind) {
      case 'set': {
        const effective = has ?? want.absentEquals;
        if (effective === undefined || !sameValue(key, effective, want.value)) {
          settings.push({ key, ...(has !== undefined ? { from: has } : {}), to: want.value });
        }
        break;
      }
      case 'neutral':
        if (has !== undefined && !sameValue(key, has, want.value)) settings.push({ key, from: has, to: want.value });
        break;
      case 'absent':
        if (has !== undefined) settings.push({ key, from: has, to: null });
        break;
    }
  }
  const installedTrain = installed.releaseTrain ?? 'Stable';
  const releaseTrain =
    installedTrain.toLowerCase() === desired.releaseTrain.toLowerCase()
      ? undefined
      : { from: installedTrain, to: desired.releaseTrain };
  const installedPin = installed.autoUpgradeMinorVersion === false ? installed.version : undefined;
  const version =
    installedPin === desired.version
      ? undefined
      : {
          ...(installedPin !== undefined ? { from: installedPin } : {}),
          ...(desired.version !== undefined ? { to: desired.version } : {}),
        };
  return {
    settings,
    ...(releaseTrain ? { releaseTrain } : {}),
    ...(version ? { version } : {}),
    needsReplace: settings.some((change) => change.to === null),
  };
}

export function hasDifferences(differences: Differences): boolean {
  return differences.settings.length > 0 || differences.releaseTrain !== undefined || differences.version !== undefined;
}

/** Equal as the extension reads them: booleans and enumerations in any case, the rest exactly. */
export function sameValue(key: string, a: string, b: string): boolean {
  if (a === b) return true;
  const booleans = /^(true|false)$/i;
  if (booleans.test(a.trim()) && booleans.test(b.trim())) return a.trim().toLowerCase() === b.trim().toLowerCase();
  return CASE_INSENSITIVE_SETTINGS.has(key) && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** `key: from → to` lines for the plan and the summary. */
export function describeChanges(differences: Differences): string[] {
  const lines = differences.settings.map(
    (change) => `${change.key}: ${change.from ?? '(not set)'} → ${change.to ?? '(removed)'}`,
  );
  if (differences.releaseTrain) {
    lines.push(`release train: ${differences.releaseTrain.from ?? '(default)'} → ${differences.releaseTrain.to}`);
  }
  if (differences.version) {
    lines.push(
      `version: ${differences.version.from ?? 'follows the release train'} → ${differences.version.to ?? 'follows the release train'}`,
    );
  }
  return lines;
}
