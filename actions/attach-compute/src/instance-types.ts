/**
 * The `instance-types` input: a YAML or JSON map of instance type name → `nodeSelector` and
 * `resources.requests` / `resources.limits`, the shape of `instanceTypes` in Azure ML's
 * KubernetesProperties. Every problem is a SourceError at its file, line and column.
 */
import type { DocumentPath, PositionedDocument } from '@arc-ml/actions-kit';
import { checkQuantity, INSTANCE_RESOURCES, type InstanceResource, isInstanceResource } from './quantity.js';

/** Requests or limits: resource → quantity as written (`500m`, `4Gi`, `1`). */
export type ResourceQuantities = Readonly<Partial<Record<InstanceResource, string>>>;

export interface InstanceType {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly requests: ResourceQuantities;
  readonly limits: ResourceQuantities;
}

/** The name Azure ML gives the instance type it creates when none is declared. */
export const AZURE_DEFAULT_INSTANCE_TYPE = 'defaultinstancetype';

/** Instance types become Kubernetes custom resources: letters, digits, '-' and '.', at most 63 characters. */
const INSTANCE_TYPE_NAME = /^[A-Za-z0-9]([-A-Za-z0-9.]{0,61}[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const SHAPE =
  'give a map of instance type name → { nodeSelector: { label: value }, resources: { requests: { cpu, memory, nvidia.com/gpu }, limits: { … } } }';

/** Reads and checks every instance type of the document, in the order written. */
export function parseInstanceTypes(doc: PositionedDocument): ReadonlyMap<string, InstanceType> {
  const root = doc.value;
  if (!isMap(root)) {
    throw doc.errorAt([], `instance-types must be a map, not ${describe(root)}`, { hint: SHAPE });
  }
  const result = new Map<string, InstanceType>();
  for (const [name, definition] of Object.entries(root)) {
    if (!INSTANCE_TYPE_NAME.test(name)) {
      throw doc.errorAt(
        [name],
        `instance type name ${JSON.stringify(name)} is invalid: use letters, digits, '-' and '.', start and end with a letter or digit, at most 63 characters`,
      );
    }
    result.set(name, parseInstanceType(doc, name, definition));
  }
  return result;
}

function parseInstanceType(doc: PositionedDocument, name: string, definition: unknown): InstanceType {
  const at = (...path: (string | number)[]): DocumentPath => [name, ...path];
  if (definition === null || definition === undefined) {
    throw doc.errorAt(at(), `instance type "${name}" has no definition`, { hint: SHAPE });
  }
  if (!isMap(definition)) {
    throw doc.errorAt(at(), `instance type "${name}" must be a map, not ${describe(definition)}`, { hint: SHAPE });
  }
  rejectUnknownKeys(doc, at(), definition, ['nodeSelector', 'resources'], `instance type "${name}"`);

  const nodeSelector = parseNodeSelector(doc, at('nodeSelector'), definition['nodeSelector'], name);
  const resources = definition['resources'];
  if (resources !== null && resources !== undefined && !isMap(resources)) {
    throw doc.errorAt(
      at('resources'),
      `resources of "${name}" must be a map with requests and limits, not ${describe(resources)}`,
    );
  }
  const resourceMap = resources ?? {};
  rejectUnknownKeys(doc, at('resources'), resourceMap, ['requests', 'limits'], `resources of "${name}"`);
  const requests = parseQuantities(doc, at('resources', 'requests'), resourceMap['requests'], name);
  const limits = parseQuantities(doc, at('resources', 'limits'), resourceMap['limits'], name);
  checkRequestsWithinLimits(doc, name, requests, limits);
  return { nodeSelector, requests: requests.values, limits: limits.values };
}

function parseNodeSelector(
  doc: PositionedDocument,
  path: DocumentPath,
  value: unknown,
  name: string,
): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (!isMap(value)) {
    throw doc.errorAt(path, `nodeSelector of "${name}" must be a map of node label → value, not ${describe(value)}`);
  }
  const selector: Record<string, string> = {};
  for (const [label, raw] of Object.entries(value)) {
    if (!LABEL_KEY.test(label)) {
      throw doc.errorAt([...path, label], `node label ${JSON.stringify(label)} is not a valid Kubernetes label key`);
    }
    if (raw === null) continue;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      throw doc.errorAt([...path, label], `the value of node label "${label}" must be a string, not ${describe(raw)}`);
    }
    const text = String(raw);
    if (!LABEL_VALUE.test(text)) {
      throw doc.errorAt(
        [...path, label],
        `${JSON.stringify(text)} is not a valid Kubernetes label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
      );
    }
    selector[label] = text;
  }
  return selector;
}

interface ParsedQuantities {
  readonly values: Partial<Record<InstanceResource, string>>;
  readonly amounts: Partial<Record<InstanceResource, number>>;
  readonly path: DocumentPath;
}

function parseQuantities(doc: PositionedDocument, path: DocumentPath, value: unknown, name: string): ParsedQuantities {
  const part = String(path.at(-1));
  const parsed: ParsedQuantities = { values: {}, amounts: {}, path };
  if (value === null || value === undefined) return parsed;
  if (!isMap(value)) {
    throw doc.errorAt(path, `${part} of "${name}" must be a map of resource → quantity, not ${describe(value)}`);
  }
  for (const [resource, raw] of Object.entries(value)) {
    if (!isInstanceResource(resource)) {
      const suggestion = resource.toLowerCase().includes('gpu') ? ' (GPUs are "nvidia.com/gpu")' : '';
      throw doc.errorAt(
        [...path, resource],
        `${JSON.stringify(resource)} is not a resource an instance type can ${part === 'limits' ? 'limit' : 'request'}${suggestion}; use ${INSTANCE_RESOURCES.join(', ')}`,
      );
    }
    if (raw === null) continue; // the official example writes `nvidia.com/gpu: null` for "none"
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      throw doc.errorAt([...path, resource], `${resource} of "${name}" must be a quantity, not ${describe(raw)}`);
    }
    const text = String(raw).trim();
    const checked = checkQuantity(resource, text);
    if (!checked.ok) {
      throw doc.errorAt([...path, resource], `instance type "${name}": ${part}.${resource} ${checked.problem}`);
    }
    parsed.values[resource] = text;
    parsed.amounts[resource] = checked.amount;
  }
  return parsed;
}

function checkRequestsWithinLimits(
  doc: PositionedDocument,
  name: string,
  requests: ParsedQuantities,
  limits: ParsedQuantities,
): void {
  for (const resource of INSTANCE_RESOURCES) {
    const request = requests.amounts[resource];
    const limit = limits.amounts[resource];
    if (request === undefined || limit === undefined) continue;
    if (resource === 'nvidia.com/gpu' && request !== limit) {
      throw doc.errorAt(
        [...requests.path, resource],
        `instance type "${name}" requests ${requests.values[resource]} GPU but limits ${limits.values[resource]}; Kubernetes needs the same number for nvidia.com/gpu`,
      );
    }
    if (request > limit) {
      throw doc.errorAt(
        [...requests.path, resource],
        `instance type "${name}" requests more ${resource} (${requests.values[resource]}) than its limit (${limits.values[resource]}); a request must not exceed its limit`,
      );
    }
  }
}

function rejectUnknownKeys(
  doc: PositionedDocument,
  path: DocumentPath,
  map: Readonly<Record<string, unknown>>,
  known: readonly string[],
  what: string,
): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    const close = known.find((k) => simplify(k) === simplify(key) || simplify(k).startsWith(simplify(key)));
    throw doc.errorAt(
      [...path, key],
      `${what} has an unknown key ${JSON.stringify(key)}${close ? `; did you mean "${close}"?` : `; use ${known.join(' or ')}`}`,
    );
  }
}

/** `node_selector`, `NodeSelector`, `node-selector` → `nodeselector`, to spot near misses. */
function simplify(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value}`;
}
