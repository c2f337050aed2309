import type { Logger } from './log.js';

/** The release of Arc ML Actions these bundles belong to; sent in every request's user agent. */
export const ARC_ML_ACTIONS_VERSION = '0.1.0';

/**
 * Prints what an action is about to do before it writes anything, so a person reading the log
 * (or a dry run) sees the intended changes first.
 */
export function printPlan(log: Pick<Logger, 'info'>, title: string, steps: readonly string[]): void {
  if (steps.length === 0) {
    log.info(`${title}: nothing to do`);
    return;
  }
  log.info([`${title}:`, ...steps.map((step, i) => `  ${i + 1}. ${step}`)].join('\n'));
}
