// @peculiar/x509 uses tsyringe, which refuses to load without the Reflect metadata API (normally
// the `reflect-metadata` package). tsyringe needs only these three functions; this minimal
// version is installed when nothing else provided them, before x509 is imported.

type Target = object;
type MetadataReflect = typeof Reflect & {
  getMetadata?: (key: unknown, target: Target, property?: PropertyKey) => unknown;
  getOwnMetadata?: (key: unknown, target: Target, property?: PropertyKey) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: Target, property?: PropertyKey) => void;
};

const reflect = Reflect as MetadataReflect;
if (!reflect.getMetadata) {
  const store = new WeakMap<Target, Map<PropertyKey | undefined, Map<unknown, unknown>>>();
  const own = (target: Target, property: PropertyKey | undefined, create: boolean) => {
    let byProperty = store.get(target);
    if (!byProperty && create) {
      byProperty = new Map();
      store.set(target, byProperty);
    }
    let values = byProperty?.get(property);
    if (!values && create && byProperty) {
      values = new Map();
      byProperty.set(property, values);
    }
    return values;
  };
  reflect.defineMetadata = (key, value, target, property) => {
    own(target, property, true)?.set(key, value);
  };
  reflect.getOwnMetadata = (key, target, property) => own(target, property, false)?.get(key);
  reflect.getMetadata = (key, target, property) => {
    for (let t: Target | null = target; t; t = Object.getPrototypeOf(t)) {
      const values = own(t, property, false);
      if (values?.has(key)) return values.get(key);
    }
    return undefined;
  };
}

export {};
