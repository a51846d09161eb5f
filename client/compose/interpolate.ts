/**
 * Compose's variable substitution in the values of a compose file: `$VAR`, `${VAR}`,
 * `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?message}` and
 * `${VAR?message}` (an error), `${VAR:+other}` and `${VAR+other}`, and `$$` for a `$`.
 * Defaults may hold substitutions themselves. Keys are never substituted. Pure.
 */
import { ComposeParseError } from './errors.js';

export type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Where the closing brace of the `${` opened at `start` is, counting nested braces; -1: none. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') { depth++; i++; continue; }
    if (text[i] === '}') { depth--; if (depth === 0) return i; }
  }
  return -1;
}

/** One string with its variables substituted; `path` names it in an error (services.web.image). */
export function interpolateString(text: string, lookup: Lookup, path: string): string {
  const invalid = () => new ComposeParseError(`invalid interpolation format for ${path}: "${text}"; you may need to escape any $ with another $`);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== '$') { out += char; continue; }
    const next = text[i + 1];
    if (next === '$') { out += '$'; i++; continue; }
    if (next === '{') {
      const end = closingBrace(text, i);
      if (end < 0) throw invalid();
      out += substitute(text.slice(i + 2, end), lookup, path, invalid);
      i = end;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1));
    if (!name) { out += '$'; continue; }
    out += lookup(name[0]) ?? '';
    i += name[0].length;
  }
  return out;
}

function substitute(body: string, lookup: Lookup, path: string, invalid: () => Error): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw invalid();
  const rest = body.slice(name.length);
  const value = lookup(name);
  if (rest === '') return value ?? '';
  const operator = /^(:?[-?+])/.exec(rest)?.[1];
  if (!operator) throw invalid();
  const argument = () => interpolateString(rest.slice(operator.length), lookup, path);
  const unset = operator.startsWith(':') ? value === undefined || value === '' : value === undefined;
  switch (operator.at(-1)) {
    case '-': return unset ? argument() : value!;
    case '+': return unset ? '' : argument();
    default: {
      if (!unset) return value!;
      const message = argument();
      throw new ComposeParseError(`error while interpolating ${path}: required variable ${name} is missing a value${message ? `: ${message}` : ''}`);
    }
  }
}

/** Every string value of a parsed YAML tree substituted; keys are kept as they are. */
export function interpolateTree(value: unknown, lookup: Lookup, path = ''): unknown {
  if (typeof value === 'string') return interpolateString(value, lookup, path);
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, lookup, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateTree(item, lookup, path ? `${path}.${key}` : key)]));
  }
  return value;
}
