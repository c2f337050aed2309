// Waits for the extension's provisioning state to settle, printing it and the extension's
// statuses as they change, with the elapsed time.

import { ActionError, type Clock, createProgress, formatDuration, type Logger } from '@arc-ml/actions-kit';
import { type ClusterRef, type Sleep, TimeoutError, waitFor } from '@arc-ml/azure';
import type { ClusterExtensionsPort, ExtensionStatus, InstalledExtension } from './azure-port.js';

export const TERMINAL_STATES = ['Succeeded', 'Failed', 'Canceled'];
const GONE = 'Deleted';

export interface WaitOptions {
  readonly port: ClusterExtensionsPort;
  readonly cluster: ClusterRef;
  readonly name: string;
  readonly log: Logger;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly timeoutMs: number;
  /** First wait between polls (the write's Retry-After); default 5 s, growing to 30 s while nothing changes. */
  readonly firstIntervalMs?: number;
}

export function isSettled(extension: InstalledExtension): boolean {
  return TERMINAL_STATES.includes(extension.provisioningState ?? 'Succeeded');
}

/** The extension once its provisioning state is terminal, or undefined when it disappeared (deleted). */
export async function waitForExtension(options: WaitOptions): Promise<InstalledExtension | undefined> {
  const { port, cluster, name, log, clock } = options;
  const progress = createProgress({ log, clock, label: `extension ${name}` });
  const seen = new Set<string>();
  const firstInterval = Math.min(30_000, Math.max(250, options.firstIntervalMs ?? 5000));
  try {
    const result = await waitFor<InstalledExtension | undefined>({
      what: `the extension '${name}'`,
      poll: async () => {
        const extension = await port.getExtension(cluster, name);
        const state = extension ? (extension.provisioningState ?? 'Succeeded') : GONE;
        const done = state === GONE || TERMINAL_STATES.includes(state);
        if (!done) progress.update(state);
        for (const status of extension?.statuses ?? []) {
          const line = formatStatus(status);
          if (!seen.has(line)) {
            seen.add(line);
            log.info(`  status: ${line}`);
          }
        }
        return { state, done, value: extension };
      },
      intervalMs: firstInterval,
      maxIntervalMs: 30_000,
      timeoutMs: options.timeoutMs,
      clock,
      sleep: options.sleep,
    });
    progress.done(result.state);
    return result.value;
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new ActionError(
        `the extension '${name}' was still ${error.lastState ?? 'provisioning'} after ${formatDuration(error.elapsedMs)} (timeout)`,
        {
          hint: 'The install goes on in Azure. Re-run this step later (it waits for the running operation first), or raise timeout; az k8s-extension show and kubectl get pods -n azureml show where it is.',
          cause: error,
        },
      );
    }
    throw error;
  }
}

export function formatStatus(status: ExtensionStatus): string {
  const level = status.level ?? status.displayStatus ?? 'Information';
  return `${level}${status.code ? ` ${status.code}` : ''}${status.message ? `: ${status.message}` : ''}`;
}
