/**
 * Kubernetes resource quantities of an instance type: `cpu` (cores or millicores), `memory`
 * (bytes with a decimal or binary suffix) and `nvidia.com/gpu` (whole GPUs). Values are checked
 * as the AzureML extension checks them, and compared by what they mean (`1` = `1000m`, `1Gi` = `1024Mi`).
 */

/** The resources an Azure ML instance type can request or limit. */
export const INSTANCE_RESOURCES = ['cpu', 'memory', 'nvidia.com/gpu'] as const;
export type InstanceResource = (typeof INSTANCE_RESOURCES)[number];

export function isInstanceResource(name: string): name is InstanceResource {
  return (INSTANCE_RESOURCES as readonly string[]).includes(name);
}

const MEMORY_MULTIPLIERS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const DECIMAL = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
const CPU = new RegExp(`^(${DECIMAL})(m?)$`);
const MEMORY = new RegExp(`^(${DECIMAL})(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`);
const GPU = /^\d+$/;

/** What a quantity means, in the smallest unit of its resource: millicores, bytes, GPUs. */
export type QuantityCheck =
  | { readonly ok: true; readonly amount: number }
  | { readonly ok: false; readonly problem: string };

/**
 * Checks one quantity; `problem` completes a sentence about the value (`"5OOm" is not a CPU quantity; …`).
 * `text` is the value as written (a YAML number arrives as its decimal text).
 */
export function checkQuantity(resource: InstanceResource, text: string): QuantityCheck {
  const value = text.trim();
  switch (resource) {
    case 'cpu':
      return checkCpu(value);
    case 'memory':
      return checkMemory(value);
    case 'nvidia.com/gpu':
      return checkGpu(value);
  }
}

function checkCpu(value: string): QuantityCheck {
  const match = CPU.exec(value);
  if (!match) {
    return fail(value, 'is not a CPU quantity; use cores (2, 0.5) or millicores (500m)', (v) => CPU.test(v));
  }
  const millicores = Number(match[1]) * (match[2] === 'm' ? 1 : 1000);
  if (Math.abs(millicores - Math.round(millicores)) > 1e-6) {
    return {
      ok: false,
      problem: `${quote(value)} is finer than one millicore; Kubernetes counts CPU in millicores (1m)`,
    };
  }
  if (millicores <= 0) return { ok: false, problem: `${quote(value)} is no CPU at all; give more than 0` };
  return { ok: true, amount: Math.round(millicores) };
}

function checkMemory(value: string): QuantityCheck {
  const match = MEMORY.exec(value);
  if (!match) {
    if (/^\d+(\.\d+)?m$/.test(value)) {
      return {
        ok: false,
        problem: `${quote(value)} is thousandths of a byte ("m" is milli); did you mean ${quote(`${value.slice(0, -1)}Mi`)}?`,
      };
    }
    const lower = /^(\d+(?:\.\d+)?)\s*([kmgtpe])i?b?$/i.exec(value);
    if (lower) {
      const suggestion = `${lower[1]}${lower[2]!.toUpperCase() === 'K' ? 'Ki' : `${lower[2]!.toUpperCase()}i`}`;
      return {
        ok: false,
        problem: `${quote(value)} is not a memory quantity; Kubernetes writes ${quote(suggestion)} (binary: Ki, Mi, Gi, Ti) or decimal suffixes k, M, G, T`,
      };
    }
    return fail(value, 'is not a memory quantity; use bytes with a suffix like 512Mi, 4Gi or 1G', (v) =>
      MEMORY.test(v),
    );
  }
  const bytes = Number(match[1]) * (MEMORY_MULTIPLIERS[match[2] ?? ''] ?? Number.NaN);
  if (!(bytes > 0)) return { ok: false, problem: `${quote(value)} is no memory at all; give more than 0` };
  return { ok: true, amount: bytes };
}

function checkGpu(value: string): QuantityCheck {
  if (!GPU.test(value)) return fail(value, 'is not a whole number of GPUs; use 0, 1, 2, …', (v) => GPU.test(v));
  return { ok: true, amount: Number(value) };
}

/** A failed check; when the letter O (or o) in place of a zero is the only mistake, says so. */
function fail(value: string, problem: string, valid: (value: string) => boolean): QuantityCheck {
  const zeroed = value.replace(/[oO]/g, '0');
  if (zeroed !== value && valid(zeroed)) {
    return {
      ok: false,
      problem: `${quote(value)} ${problem} (the letter O is not a zero: did you mean ${quote(zeroed)}?)`,
    };
  }
  return { ok: false, problem: `${quote(value)} ${problem}` };
}

/** The meaning of a quantity for comparisons, or undefined when it does not parse (then compare the text). */
export function quantityAmount(resource: string, text: string): number | undefined {
  if (!isInstanceResource(resource)) return undefined;
  const checked = checkQuantity(resource, text);
  return checked.ok ? checked.amount : undefined;
}

/** True when two quantities of a resource mean the same amount (`1` and `1000m`, `1Gi` and `1024Mi`). */
export function sameQuantity(resource: string, a: string, b: string): boolean {
  const left = quantityAmount(resource, a);
  const right = quantityAmount(resource, b);
  return left !== undefined && right !== undefined ? left === right : a.trim() === b.trim();
}

function quote(value: string): string {
  return JSON.stringify(value);
}
