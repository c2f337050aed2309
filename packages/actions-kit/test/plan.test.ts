import { describe, expect, it } from '@jest/globals';
import { printPlan } from '../src/plan.js';

describe('printPlan', () => {
  it.each([
    [['read cluster arc-k3s'], 'Plan:\n  1. read cluster arc-k3s'],
    [['onboard arc-k3s', 'wait for Connected'], 'Plan:\n  1. onboard arc-k3s\n  2. wait for Connected'],
    [[], 'Plan: nothing to do'],
  ])('prints %j as numbered steps', (steps, expected) => {
    const lines: string[] = [];
    printPlan({ info: (line) => lines.push(line) }, 'Plan', steps);
    expect(lines).toEqual([expected]);
  });
});
