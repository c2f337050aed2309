// A fake of the ARM calls the action makes: clusters and extensions in memory, every write
// recorded, and what the next install does (succeed, fail with statuses) chosen by the test.

import type { ClusterRef } from '@arc-ml/azure';
import type {
  ClusterExtensionsPort,
  ClusterInfo,
  ExtensionBody,
  ExtensionPatch,
  ExtensionStatus,
  InstalledExtension,
  StartedOperation,
} from '../../src/azure-port.js';

export type FakeWrite =
  | { readonly method: 'PUT'; readonly name: string; readonly body: ExtensionBody }
  | { readonly method: 'PATCH'; readonly name: string; readonly patch: ExtensionPatch };

export interface Outcome {
  readonly state: 'Succeeded' | 'Failed';
  readonly statuses?: readonly ExtensionStatus[];
  readonly errorInfo?: { code: string; message: string };
  /** GETs that still show Creating/Updating before the outcome. */
  readonly pollsBeforeDone?: number;
}

export class FakeAzure implements ClusterExtensionsPort {
  readonly writes: FakeWrite[] = [];
  readonly reads: string[] = [];
  /** The log of calls and writes, interleaved with what the test records (e.g. log lines). */
  readonly events: string[] = [];
  private readonly clusters = new Map<string, ClusterInfo>();
  private readonly extensions = new Map<string, InstalledExtension>();
  private pending: { name: string; outcome: Outcome; polls: number } | undefined;
  private nextOutcome: Outcome = { state: 'Succeeded' };
  private errors = new Map<string, unknown>();
  operationErrorValue: { code: string; message: string } | undefined;

  withCluster(ref: ClusterRef, facts: Partial<Omit<ClusterInfo, 'ref'>> = {}): this {
    this.clusters.set(ref.id.toLowerCase(), {
      ref,
      location: 'eastus',
      nodeCount: 3,
      ...(ref.kind === 'connected' ? { connectivityStatus: 'Connected', distribution: 'k3s' } : {}),
      ...facts,
    });
    return this;
  }

  withExtension(ref: ClusterRef, extension: Partial<InstalledExtension> & { name?: string }): this {
    const name = extension.name ?? 'azureml';
    this.extensions.set(key(ref, name), {
      id: `${ref.id}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
      name,
      extensionType: 'Microsoft.AzureML.Kubernetes',
      provisioningState: 'Succeeded',
      currentVersion: '1.1.53',
      releaseTrain: 'Stable',
      autoUpgradeMinorVersion: true,
      releaseNamespace: 'azureml',
      configurationSettings: {},
      statuses: [],
      hasIdentity: true,
      ...extension,
    });
    return this;
  }

  /** What the next write's install ends with. */
  nextInstall(outcome: Outcome): this {
    this.nextOutcome = outcome;
    return this;
  }

  /** Makes a call throw: 'getCluster', 'getExtension', 'listExtensions', 'create', 'update'. */
  failing(call: string, error: unknown): this {
    this.errors.set(call, error);
    return this;
  }

  extension(ref: ClusterRef, name = 'azureml'): InstalledExtension | undefined {
    return this.extensions.get(key(ref, name));
  }

  async getCluster(ref: ClusterRef): Promise<ClusterInfo | undefined> {
    this.record('getCluster', ref.clusterName);
    return this.clusters.get(ref.id.toLowerCase());
  }

  async getExtension(ref: ClusterRef, name: string): Promise<InstalledExtension | undefined> {
    this.record('getExtension', name);
    const pending = this.pending;
    if (pending && pending.name === name) {
      const current = this.extensions.get(key(ref, name))!;
      if (pending.polls < (pending.outcome.pollsBeforeDone ?? 0)) {
        pending.polls++;
        return current;
      }
      this.pending = undefined;
      const { provisioningState: _state, errorInfo: _error, ...rest } = current;
      this.extensions.set(key(ref, name), {
        ...rest,
        provisioningState: pending.outcome.state,
        statuses: pending.outcome.statuses ?? [],
        ...(pending.outcome.errorInfo ? { errorInfo: pending.outcome.errorInfo } : {}),
      });
    }
    return this.extensions.get(key(ref, name));
  }

  async listExtensions(ref: ClusterRef): Promise<InstalledExtension[]> {
    this.record('listExtensions', ref.clusterName);
    return [...this.extensions.entries()].filter(([k]) => k.startsWith(`${ref.id.toLowerCase()}|`)).map(([, v]) => v);
  }

  async createExtension(ref: ClusterRef, name: string, body: ExtensionBody): Promise<StartedOperation> {
    this.throwIfFailing('create');
    this.writes.push({ method: 'PUT', name, body });
    this.events.push(`PUT ${name}`);
    const previous = this.extensions.get(key(ref, name));
    this.extensions.set(key(ref, name), {
      id: `${ref.id}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
      name,
      extensionType: body.extensionType,
      provisioningState: previous ? 'Updating' : 'Creating',
      currentVersion: body.version ?? '1.1.53',
      releaseTrain: body.releaseTrain,
      autoUpgradeMinorVersion: body.autoUpgradeMinorVersion,
      ...(body.version !== undefined ? { version: body.version } : {}),
      releaseNamespace: body.releaseNamespace,
      configurationSettings: { ...body.configurationSettings },
      statuses: [],
      hasIdentity: true,
    });
    return this.start(name);
  }

  async updateExtension(ref: ClusterRef, name: string, patch: ExtensionPatch): Promise<StartedOperation> {
    this.throwIfFailing('update');
    this.writes.push({ method: 'PATCH', name, patch });
    this.events.push(`PATCH ${name}`);
    const current = this.extensions.get(key(ref, name))!;
    const { version: _version, ...rest } = current;
    const version = patch.version === undefined ? current.version : (patch.version ?? undefined);
    this.extensions.set(key(ref, name), {
      ...rest,
      provisioningState: 'Updating',
      configurationSettings: { ...current.configurationSettings, ...patch.configurationSettings },
      ...(patch.releaseTrain ? { releaseTrain: patch.releaseTrain } : {}),
      ...(patch.autoUpgradeMinorVersion !== undefined
        ? { autoUpgradeMinorVersion: patch.autoUpgradeMinorVersion }
        : {}),
      ...(version !== undefined ? { version } : {}),
    });
    return this.start(name);
  }

  private start(name: string): StartedOperation {
    this.pending = { name, outcome: this.nextOutcome, polls: 0 };
    this.nextOutcome = { state: 'Succeeded' };
    const error = this.operationErrorValue;
    return { retryAfterMs: 1000, operationError: async () => error };
  }

  private record(call: string, what: string): void {
    this.reads.push(`${call} ${what}`);
    this.events.push(`${call} ${what}`);
    this.throwIfFailing(call);
  }

  private throwIfFailing(call: string): void {
    if (this.errors.has(call)) throw this.errors.get(call);
  }
}

function key(ref: ClusterRef, name: string): string {
  return `${ref.id.toLowerCase()}|${name.toLowerCase()}`;
}
