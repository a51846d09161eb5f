/**
 * The `.env` file (and `--env-file`, and a service's `env_file`) as Compose reads it: KEY=VALUE
 * lines, `#` comments, an optional `export `, single quotes literal, double quotes with `\n`
 * escapes and substitution, unquoted values trimmed and cut at ` #`. Pure.
 */
import { ComposeParseError } from './errors.js';
import { interpolateString, type Lookup } from './interpolate.js';

/** The variables of one file's text, in order; `lookup` resolves `${VAR}` in their values (earlier lines first). */
export function parseDotEnv(text: string, file: string, lookup: Lookup = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const resolve: Lookup = (name) => out[name] ?? lookup(name);
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(=?)\s*(.*)$/.exec(line);
    if (!match) throw new ComposeParseError(`failed to read ${file}: line ${index + 1}: unexpected character "${line[0]}" in variable name "${line}"`);
    const [, key, equals, raw] = match;
    if (!equals) {
      // A bare name takes the value from the environment, when it has one.
      const inherited = lookup(key);
      if (inherited !== undefined) out[key] = inherited;
      continue;
    }
    let value: string;
    if (raw.startsWith("'")) {
      const end = raw.indexOf("'", 1);
      if (end < 0) throw new ComposeParseError(`failed to read ${file}: line ${index + 1}: unterminated quoted value`);
      value = raw.slice(1, end);
    } else if (raw.startsWith('"')) {
      let body = raw.slice(1);
      // A double-quoted value may span lines.
      while (!/(^|[^\\])"/.test(body) && index + 1 < lines.length) body += `\n${lines[++index]}`;
      const end = body.search(/(^|[^\\])"/);
      if (end < 0) throw new ComposeParseError(`failed to read ${file}: line ${index + 1}: unterminated quoted value`);
      const inner = body.slice(0, body[end] === '"' ? end : end + 1);
      value = interpolateString(inner.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\(["\\])/g, '$1'), resolve, `${file}:${key}`);
    } else {
      value = interpolateString(raw.replace(/\s+#.*$/, '').trim(), resolve, `${file}:${key}`);
    }
    out[key] = value;
  }
  return out;
}
