/**
 * The attributes Docker's log drivers add to each record from the container, as dockerd's
 * logger.Info.ExtraAttributes makes them: the labels named by `labels=` or matched by
 * `labels-regex=`, then the env variables named by `env=` or matched by `env-regex=` (a later
 * one wins on the same key). json-file writes them as each record's "attrs" object, journald as
 * fields (keys sanitized), and `logs --details` shows them before each line. Pure.
 */
import type { LogConfig } from './hostConfig.js';
import { renderLogTag, type LogTagSource } from './logTag.js';

type AttributeOptions = Pick<LogConfig, 'labels' | 'labelsRegex' | 'env' | 'envRegex'>;

/** The attributes, keys sorted (Go's json.Marshal of a map); `keyOf` renames each key (journald's sanitizer). */
export function logAttributes(config: AttributeOptions | undefined, labels: Readonly<Record<string, string>>, env: readonly string[], keyOf: (key: string) => string = (key) => key): Record<string, string> {
  const attrs = new Map<string, string>();
  const add = (values: ReadonlyMap<string, string>, names: readonly string[] | undefined, pattern: string | undefined) => {
    for (const name of names ?? []) if (values.has(name)) attrs.set(keyOf(name), values.get(name)!);
    if (pattern === undefined || pattern === '') return;
    const regex = new RegExp(pattern);
    for (const [name, value] of values) if (regex.test(name)) attrs.set(keyOf(name), value);
  };
  add(new Map(Object.entries(labels)), config?.labels, config?.labelsRegex);
  const variables = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq >= 0) variables.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  add(variables, config?.env, config?.envRegex);
  return Object.fromEntries([...attrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** journald's field name for an attribute (dockerd's sanitizeKeyMod): upper case, anything but A-Z and 0-9 an underscore, none leading. */
export function journalFieldName(key: string): string {
  let name = '';
  for (const char of key) {
    const upper = char >= 'a' && char <= 'z' ? char.toUpperCase() : char;
    const kept = (upper >= 'A' && upper <= 'Z') || (upper >= '0' && upper <= '9') ? upper : '_';
    if (!(name === '' && kept === '_')) name += kept;
  }
  return name;
}

/** json-file's "attrs" on each record: the attributes, and `tag` when the tag option is set (jsonfilelog.New); keys sorted. */
export function jsonFileAttributes(id: string, config: LogTagSource['config'] & { logConfig?: LogConfig }, env: readonly string[], hostname: string): Record<string, string> {
  const attrs = logAttributes(config.logConfig, config.labels, env);
  const tag = renderLogTag(config.logConfig?.tag, { id, config, hostname }, '');
  if (!tag) return attrs;
  return Object.fromEntries(Object.entries({ ...attrs, tag }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
