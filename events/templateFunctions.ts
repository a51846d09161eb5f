/** The functions `--format` templates may call, and how Go prints and tests values. Pure. */

export type Value = unknown;

/** How Go prints a value with {{.X}}: maps and lists in Go's own notation, nil as <no value>. */
export function text(value: Value): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(text).join(' ')}]`;
  return `map[${Object.entries(value as Record<string, Value>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}:${text(v)}`).join(' ')}]`;
}

/** Go's truth for if, with, and, or, not: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(value: Value): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

export const FUNCTIONS: Record<string, { arity: number; call: (...args: Value[]) => Value }> = {
  json: { arity: 1, call: (v) => JSON.stringify(v ?? null) },
  upper: { arity: 1, call: (v) => text(v).toUpperCase() },
  lower: { arity: 1, call: (v) => text(v).toLowerCase() },
  title: { arity: 1, call: (v) => text(v).replace(/\b\w/g, (c) => c.toUpperCase()) },
  len: { arity: 1, call: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0) },
  join: { arity: 2, call: (v, sep) => (Array.isArray(v) ? v.map(text).join(text(sep)) : text(v)) },
  index: { arity: 2, call: (v, key) => (v && typeof v === 'object' ? (v as Record<string, Value>)[text(key)] : undefined) },
  truncate: { arity: 2, call: (v, n) => text(v).slice(0, Number(n)) },
  eq: { arity: 2, call: (a, b) => a === b },
  ne: { arity: 2, call: (a, b) => a !== b },
  not: { arity: 1, call: (v) => !truthy(v) },
  and: { arity: 2, call: (a, b) => (truthy(a) ? b : a) },
  or: { arity: 2, call: (a, b) => (truthy(a) ? a : b) },
};
