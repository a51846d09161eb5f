/**
 * A schema built when it is first used rather than when its module is loaded. Building berth's
 * schemas (some 900 zod objects over events/) took about 40 ms of every CLI command's start, for
 * the few a command checks: `ps` decodes one reply, a daemon decodes everything. A schema
 * declared through lazySchema is a stand-in with the same type; its first property read (a
 * parse, its `_zod` when another schema uses it, `.shape`) builds the real one, and every read
 * after goes to that one. Another schema that embeds the stand-in keeps it, and reads through
 * it once per parse of that field.
 *
 * Building must not depend on the order of modules: a builder reads other schemas only when it
 * runs, which is after every module has loaded.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => (built ??= build());
  // The target is a plain object: a stand-in is never called, only read.
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may not report a property its target lacks as non-configurable.
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
