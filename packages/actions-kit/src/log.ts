import * as core from '@actions/core';
import type { Annotation } from './yaml-document.js';

/** The Actions log. Warnings and errors may point at a file and line (they become annotations). */
export interface Logger {
  info(message: string): void;
  warning(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
  /** Shown only when the run has debug logging on (ACTIONS_STEP_DEBUG). */
  debug(message: string): void;
  /** Runs `fn` inside a collapsible log group; the group is closed even when `fn` throws. */
  group<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
}

/** The Logger over @actions/core. */
export function actionsLogger(): Logger {
  return {
    info: (message) => core.info(message),
    warning: (message, annotation) => core.warning(message, annotation),
    error: (message, annotation) => core.error(message, annotation),
    debug: (message) => core.debug(message),
    async group(name, fn) {
      core.startGroup(name);
      try {
        return await fn();
      } finally {
        core.endGroup();
      }
    },
  };
}
