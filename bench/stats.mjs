// Small statistics for benchmarks: medians and percentiles of repeated measurements.
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const median = (values) => percentile(values, 50);

export function round(ms, digits = 1) {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}

export async function timeIt(fn) {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}
