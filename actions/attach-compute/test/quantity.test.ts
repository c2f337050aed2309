import { describe, expect, it } from '@jest/globals';
import { checkQuantity, type InstanceResource, sameQuantity } from '../src/quantity.js';

describe('resource quantities', () => {
  it.each<[InstanceResource, string, number]>([
    ['cpu', '500m', 500],
    ['cpu', '2', 2000],
    ['cpu', '0.5', 500],
    ['cpu', '.25', 250],
    ['cpu', '1.5', 1500],
    ['memory', '4Gi', 4 * 2 ** 30],
    ['memory', '512Mi', 512 * 2 ** 20],
    ['memory', '1G', 1e9],
    ['memory', '1.5Gi', 1.5 * 2 ** 30],
    ['memory', '1048576', 1048576],
    ['nvidia.com/gpu', '1', 1],
    ['nvidia.com/gpu', '0', 0],
  ])('accepts %s %s', (resource, text, amount) => {
    expect(checkQuantity(resource, text)).toEqual({ ok: true, amount });
  });

  it.each<[InstanceResource, string, RegExp]>([
    ['cpu', '5OOm', /"5OOm" is not a CPU quantity.*letter O is not a zero: did you mean "500m"/],
    ['cpu', '2 cores', /"2 cores" is not a CPU quantity; use cores \(2, 0\.5\) or millicores \(500m\)/],
    ['cpu', '-1', /not a CPU quantity/],
    ['cpu', '0', /no CPU at all/],
    ['cpu', '0.0005', /finer than one millicore/],
    ['cpu', '1Gi', /not a CPU quantity/],
    ['memory', '4gb', /"4gb" is not a memory quantity; Kubernetes writes "4Gi"/],
    ['memory', '512m', /thousandths of a byte.*did you mean "512Mi"/],
    ['memory', '0Gi', /no memory at all/],
    ['memory', 'lots', /not a memory quantity; use bytes with a suffix like 512Mi/],
    ['nvidia.com/gpu', '0.5', /not a whole number of GPUs/],
    ['nvidia.com/gpu', 'one', /not a whole number of GPUs/],
  ])('refuses %s %s', (resource, text, problem) => {
    const checked = checkQuantity(resource, text);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.problem).toMatch(problem);
  });

  it.each([
    ['cpu', '1', '1000m', true],
    ['cpu', '0.5', '500m', true],
    ['cpu', '1', '2', false],
    ['memory', '1Gi', '1024Mi', true],
    ['memory', '1G', '1Gi', false],
    ['nvidia.com/gpu', '1', '1', true],
    ['ephemeral-storage', '1Gi', '1Gi', true],
    ['ephemeral-storage', '1Gi', '1024Mi', false],
  ])('compares %s %s and %s by meaning', (resource, a, b, same) => {
    expect(sameQuantity(resource, a, b)).toBe(same);
  });
});
