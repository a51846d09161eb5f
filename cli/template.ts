/**
 * The subset of Go's text/template that Docker's `--format` flags use, shared by ps, images,
 * volume ls and inspect. Pure.
 *
 * Supported: literal text; `{{.Field}}` and paths `{{.State.Status}}`; `{{.}}`; functions
 * `json`, `upper`, `lower`, `title`, `len`, `join X SEP`, `index X KEY`, `truncate X N` with
 * arguments that are paths, "strings" or numbers; the `table` prefix (a header row and aligned
 * columns split at tabs); `\t` and `\n` written as two characters (as shells pass them).
 * Not supported: range, if, with, variables, pipes.
 */
import { ValidationError } from '../events/errors.js';

type Value = unknown;
type Arg = { kind: 'path'; path: string[] } | { kind: 'literal'; value: Value };
type Action = { fn: string | null; args: Arg[] };
type Part = string | Action;

export interface Template {
  table: boolean;
  parts: Part[];
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(text)) !== null) {
    tokens.push(match[1]!);
    consumed = re.lastIndex;
  }
  if (text.slice(consumed).trim()) throw new ValidationError(`invalid template action "{{${text}}}"`);
  return tokens;
}

function parseArg(token: string, source: string): Arg {
  if (token === '.') return { kind: 'path', path: [] };
  if (token.startsWith('.')) {
    const path = token.slice(1).split('.');
    if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) throw new ValidationError(`invalid field "${token}" in template "${source}"`);
    return { kind: 'path', path };
  }
  if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
  if (/^-?\d+$/.test(token)) return { kind: 'literal', value: Number(token) };
  throw new ValidationError(`unexpected "${token}" in template "${source}"`);
}

const FUNCTIONS: Record<string, { arity: number; call: (...args: Value[]) => Value }> = {
  json: { arity: 1, call: (v) => JSON.stringify(v ?? null) },
  upper: { arity: 1, call: (v) => text(v).toUpperCase() },
  lower: { arity: 1, call: (v) => text(v).toLowerCase() },
  title: { arity: 1, call: (v) => text(v).replace(/\b\w/g, (c) => c.toUpperCase()) },
  len: { arity: 1, call: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0) },
  join: { arity: 2, call: (v, sep) => (Array.isArray(v) ? v.map(text).join(text(sep)) : text(v)) },
  index: { arity: 2, call: (v, key) => (v && typeof v === 'object' ? (v as Record<string, Value>)[text(key)] : undefined) },
  truncate: { arity: 2, call: (v, n) => text(v).slice(0, Number(n)) },
};

/** Parses a format string; throws ValidationError with Docker-like wording on a bad template. */
export function parseTemplate(format: string): Template {
  let source = format;
  let table = false;
  if (/^table(\s|$)/.test(source)) {
    table = true;
    source = source.slice(5).trimStart();
  }
  source = source.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const parts: Part[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    if (open === -1) { parts.push(source.slice(at)); break; }
    if (open > at) parts.push(source.slice(at, open));
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new ValidationError(`template parsing error: unclosed action in "${format}"`);
    let inner = source.slice(open + 2, close);
    if (inner.startsWith('-')) inner = inner.slice(1);
    if (inner.endsWith('-')) inner = inner.slice(0, -1);
    const tokens = tokenize(inner);
    if (tokens.length === 0) throw new ValidationError(`template parsing error: missing value for command in "${format}"`);
    const first = tokens[0]!;
    if (first.startsWith('.') || first.startsWith('"') || /^-?\d+$/.test(first)) {
      if (tokens.length !== 1) throw new ValidationError(`template parsing error: can't give argument to non-function ${first} in "${format}"`);
      parts.push({ fn: null, args: [parseArg(first, format)] });
    } else {
      const fn = FUNCTIONS[first];
      if (!fn) throw new ValidationError(`template parsing error: function "${first}" not defined in "${format}"`);
      if (tokens.length - 1 !== fn.arity) throw new ValidationError(`template: wrong number of args for ${first}: want ${fn.arity} got ${tokens.length - 1}`);
      parts.push({ fn: first, args: tokens.slice(1).map((t) => parseArg(t, format)) });
    }
    at = close + 2;
  }
  return { table, parts };
}

function lookup(data: Value, path: string[]): Value {
  let value = data;
  for (const key of path) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, Value>)[key];
  }
  return value;
}

/** How Go prints a value with {{.X}}: maps and lists in Go's own notation, nil as <no value>. */
function text(value: Value): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(text).join(' ')}]`;
  return `map[${Object.entries(value as Record<string, Value>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}:${text(v)}`).join(' ')}]`;
}

/** Renders one value through a parsed template (without the table header). */
export function render(template: Template, data: Value): string {
  return template.parts.map((part) => {
    if (typeof part === 'string') return part;
    const args = part.args.map((arg) => (arg.kind === 'path' ? lookup(data, arg.path) : arg.value));
    return text(part.fn === null ? args[0] : FUNCTIONS[part.fn]!.call(...args));
  }).join('');
}

/** The header of a `table` template: each field's header (from `headers`, else its name in capitals). */
export function renderHeader(template: Template, headers: Record<string, string> = {}): string {
  return template.parts.map((part) => {
    if (typeof part === 'string') return part;
    const arg = part.args[0];
    const name = arg?.kind === 'path' ? arg.path.join('.') : '';
    return headers[name] ?? (name ? name.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase() : '');
  }).join('');
}

/** Aligns tab-separated lines into columns three spaces apart, as Docker's tabwriter does. */
export function alignTabs(lines: string[]): string {
  const rows = lines.map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + (rows.length ? '\n' : '');
}

/**
 * Formats a list for `--format`: `json` prints JSON lines, `table …` a header and aligned rows,
 * anything else one rendered line per item.
 */
export function formatList(format: string, items: Value[], headers: Record<string, string> = {}): string {
  if (format === 'json') return items.map((item) => `${JSON.stringify(item)}\n`).join('');
  const template = parseTemplate(format);
  const lines = items.map((item) => render(template, item));
  if (template.table) return alignTabs([renderHeader(template, headers), ...lines]);
  return lines.map((line) => `${line}\n`).join('');
}
