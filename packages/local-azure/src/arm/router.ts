// Path templates ('/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}') matched
// per segment, literals case-insensitively; when several templates match, the most literal wins.

interface Segment {
  readonly literal?: string;
  readonly param?: string;
}

interface Compiled<T> {
  readonly value: T;
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly literals: number;
}

export type RouteMatch<T> =
  | { readonly kind: 'found'; readonly value: T; readonly params: Record<string, string> }
  | { readonly kind: 'method'; readonly allowed: readonly string[] }
  | { readonly kind: 'none' };

export class RouteTable<T extends { readonly method: string; readonly path: string }> {
  readonly #routes: Compiled<T>[] = [];

  constructor(routes: Iterable<T> = []) {
    for (const route of routes) this.add(route);
  }

  add(route: T): void {
    const segments = splitPath(route.path).map((s): Segment => {
      const param = /^\{(.+)\}$/.exec(s)?.[1];
      return param ? { param } : { literal: s.toLowerCase() };
    });
    const duplicate = this.#routes.find((r) => r.method === route.method && sameShape(r.segments, segments));
    if (duplicate) throw new Error(`two routes for ${route.method} ${route.path} (and ${duplicate.value.path})`);
    this.#routes.push({
      value: route,
      method: route.method,
      segments,
      literals: segments.filter((s) => s.literal !== undefined).length,
    });
  }

  get values(): T[] {
    return this.#routes.map((r) => r.value);
  }

  match(method: string, path: string): RouteMatch<T> {
    const parts = splitPath(path);
    const candidates = this.#routes
      .map((r) => ({ r, params: matchSegments(r.segments, parts) }))
      .filter((c): c is { r: Compiled<T>; params: Record<string, string> } => c.params !== undefined);
    if (candidates.length === 0) return { kind: 'none' };
    const forMethod = candidates.filter((c) => c.r.method === method);
    if (forMethod.length === 0) return { kind: 'method', allowed: [...new Set(candidates.map((c) => c.r.method))] };
    forMethod.sort((a, b) => compareSpecificity(b.r, a.r));
    const best = forMethod[0]!;
    return { kind: 'found', value: best.r.value, params: best.params };
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i]!;
    if (segment.literal !== undefined) {
      if (safeDecode(part).toLowerCase() !== segment.literal) return undefined;
    } else if (segment.param) {
      params[segment.param] = safeDecode(part);
    }
  }
  return params;
}

function compareSpecificity<T>(a: Compiled<T>, b: Compiled<T>): number {
  if (a.literals !== b.literals) return a.literals - b.literals;
  for (let i = 0; i < a.segments.length; i++) {
    const la = a.segments[i]?.literal !== undefined ? 1 : 0;
    const lb = b.segments[i]?.literal !== undefined ? 1 : 0;
    if (la !== lb) return la - lb;
  }
  return 0;
}

function sameShape(a: readonly Segment[], b: readonly Segment[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => s.literal === b[i]?.literal && (s.param === undefined) === (b[i]?.param === undefined))
  );
}

/** decodeURIComponent, or the text as it is when it is not valid percent-encoding. */
export function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
