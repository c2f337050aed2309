import * as core from '@actions/core';
export async function runAction(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    core.setFailed(`${name}: ${(e as Error).message}`);
  }
}
export const getInput = (n: string) => core.getInput(n);
