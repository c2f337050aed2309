import type { ResourceJson, ResourceStore } from './contract.js';

/** ARM ids compare case-insensitively; the stored casing is the one first written. */
const key = (id: string) => id.toLowerCase().replace(/\/+$/, '');

export class MemoryResourceStore implements ResourceStore {
  readonly #resources = new Map<string, ResourceJson>();
  readonly #secrets = new Map<string, Record<string, unknown>>();

  get(id: string): ResourceJson | undefined {
    const found = this.#resources.get(key(id));
    return found ? structuredClone(found) : undefined;
  }

  put(resource: ResourceJson): ResourceJson {
    this.#resources.set(key(resource.id), structuredClone(resource));
    return structuredClone(resource);
  }

  delete(id: string): boolean {
    const prefix = `${key(id)}/`;
    for (const k of [...this.#resources.keys()]) if (k.startsWith(prefix)) this.#resources.delete(k);
    for (const k of [...this.#secrets.keys()]) if (k === key(id) || k.startsWith(prefix)) this.#secrets.delete(k);
    return this.#resources.delete(key(id));
  }

  children(parentId: string, type: string): ResourceJson[] {
    const parent = key(parentId);
    return this.#select((k, r) => sameType(r, type) && parentOf(k) === parent);
  }

  below(scopeId: string, type: string): ResourceJson[] {
    const prefix = `${key(scopeId)}/`;
    return this.#select((k, r) => sameType(r, type) && k.startsWith(prefix));
  }

  secrets(id: string): Record<string, unknown> {
    let found = this.#secrets.get(key(id));
    if (!found) {
      found = {};
      this.#secrets.set(key(id), found);
    }
    return found;
  }

  #select(keep: (k: string, r: ResourceJson) => boolean): ResourceJson[] {
    return [...this.#resources.entries()].filter(([k, r]) => keep(k, r)).map(([, r]) => structuredClone(r));
  }
}

function sameType(resource: ResourceJson, type: string): boolean {
  return resource.type.toLowerCase() === type.toLowerCase();
}

/** The parent id of a resource id: drop the last `/{type}/{name}` pair (or `/providers/{ns}/{type}/{name}`). */
function parentOf(id: string): string {
  const parts = id.split('/');
  parts.splice(-2, 2);
  if (parts.at(-2) === 'providers') parts.splice(-2, 2);
  return parts.join('/');
}
