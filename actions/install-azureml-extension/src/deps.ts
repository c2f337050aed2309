// What run() needs from the world, as one object a test can replace.

import { type ActionIO, ARC_ML_ACTIONS_VERSION, actionIO, type Clock, type Logger } from '@arc-ml/actions-kit';
import { connectToAzure, realSleep, type Sleep, systemClock } from '@arc-ml/azure';
import type { ClusterExtensionsPort } from './azure-port.js';
import { sdkPort } from './azure-sdk-port.js';
import type { InstallSettings } from './inputs.js';

export const ACTION = 'install-azureml-extension';

export interface Deps {
  readonly io: ActionIO;
  /** Signs in (nothing is sent before the first request) and returns the ARM calls the action makes. */
  connect(settings: InstallSettings, log: Logger): Promise<ClusterExtensionsPort>;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Where the sign-in inputs' defaults (AZURE_*) come from. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function defaultDeps(): Deps {
  return {
    io: actionIO(),
    async connect(settings, log) {
      const { clients } = await connectToAzure(settings.signIn, {
        userAgent: { version: ARC_ML_ACTIONS_VERSION, action: ACTION },
        logger: log,
      });
      return sdkPort(clients);
    },
    clock: systemClock,
    sleep: realSleep,
    env: process.env,
  };
}
