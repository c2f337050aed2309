// The few Azure Resource Manager calls this action makes, as a small interface: the SDK
// implementation is in azure-sdk-port.ts, tests pass a fake.

import type { ClusterRef } from '@arc-ml/azure';

export interface ClusterInfo {
  readonly ref: ClusterRef;
  readonly location?: string;
  /** Arc only: Connecting, Connected, Offline, Expired. */
  readonly connectivityStatus?: string;
  readonly lastConnectivityTime?: Date;
  /** Arc: totalNodeCount as the agents report it; AKS: the sum of the agent pools' counts. */
  readonly nodeCount?: number;
  /** Arc: k3s, openshift, aks_hci, …; AKS: undefined. */
  readonly distribution?: string;
  readonly provisioningState?: string;
  readonly kubernetesVersion?: string;
}

export interface ExtensionStatus {
  readonly code?: string;
  readonly displayStatus?: string;
  readonly level?: string;
  readonly message?: string;
  readonly time?: string;
}

export interface InstalledExtension {
  readonly id: string;
  readonly name: string;
  readonly extensionType?: string;
  readonly provisioningState?: string;
  readonly currentVersion?: string;
  /** The pinned version, when one is. */
  readonly version?: string;
  readonly releaseTrain?: string;
  readonly autoUpgradeMinorVersion?: boolean;
  readonly releaseNamespace?: string;
  readonly configurationSettings: Readonly<Record<string, string>>;
  readonly statuses: readonly ExtensionStatus[];
  readonly errorInfo?: { readonly code?: string; readonly message?: string };
  readonly hasIdentity: boolean;
}

/** Extensions_Create body (also used to replace an installed extension). */
export interface ExtensionBody {
  readonly extensionType: string;
  readonly autoUpgradeMinorVersion: boolean;
  readonly releaseTrain: string;
  readonly version?: string;
  readonly releaseNamespace: string;
  readonly configurationSettings: Readonly<Record<string, string>>;
  readonly configurationProtectedSettings: Readonly<Record<string, string>>;
}

/** Extensions_Update body: only what changes. `version: null` unpins. */
export interface ExtensionPatch {
  readonly autoUpgradeMinorVersion?: boolean;
  readonly releaseTrain?: string;
  readonly version?: string | null;
  readonly configurationSettings?: Readonly<Record<string, string>>;
  readonly configurationProtectedSettings?: Readonly<Record<string, string>>;
}

/** A write Azure accepted; the extension's own provisioning state says when it is done. */
export interface StartedOperation {
  /** Retry-After of the write's answer, when given. */
  readonly retryAfterMs?: number;
  /** The operation's error, read from its status URL (for a failure the extension itself does not explain). */
  operationError(): Promise<{ readonly code: string; readonly message: string } | undefined>;
}

/** Errors are `ArmRequestError`s (from `toArmError`), whose message says what was being done. */
export interface ClusterExtensionsPort {
  /** The cluster, or undefined when it does not exist. */
  getCluster(cluster: ClusterRef): Promise<ClusterInfo | undefined>;
  /** The extension, or undefined when it is not installed. */
  getExtension(cluster: ClusterRef, name: string): Promise<InstalledExtension | undefined>;
  listExtensions(cluster: ClusterRef): Promise<InstalledExtension[]>;
  /** PUT: installs, or replaces an installed extension's settings as a whole. */
  createExtension(cluster: ClusterRef, name: string, body: ExtensionBody): Promise<StartedOperation>;
  /** PATCH: changes the settings given, keeps the others. */
  updateExtension(cluster: ClusterRef, name: string, patch: ExtensionPatch): Promise<StartedOperation>;
}
