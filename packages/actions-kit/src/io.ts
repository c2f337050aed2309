import { actionInputs, type InputReader } from './inputs.js';
import { actionsLogger, type Logger } from './log.js';
import { actionsOutputs, type Outputs } from './outputs.js';
import { maskSecret } from './secrets.js';
import { actionsStateStore, type StateStore } from './state.js';
import { actionsSummarySink, type SummarySink } from './summary.js';

/** Everything an action touches on the GitHub side; tests pass `fakeActionIO()` from `/testing`. */
export interface ActionIO {
  readonly inputs: InputReader;
  readonly log: Logger;
  readonly outputs: Outputs;
  readonly summary: SummarySink;
  readonly state: StateStore;
  /** Masks a secret (each line of a multi-line one too) in all later log output. */
  mask(value: string): void;
}

/** The real ActionIO over @actions/core and the runner's environment. */
export function actionIO(): ActionIO {
  return {
    inputs: actionInputs(),
    log: actionsLogger(),
    outputs: actionsOutputs(),
    summary: actionsSummarySink(),
    state: actionsStateStore(),
    mask: (value) => {
      maskSecret(value);
    },
  };
}
