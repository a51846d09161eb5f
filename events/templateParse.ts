/**
 * Parsing the subset of Go's text/template that Docker's `--format` flags use into a tree:
 * text, actions (pipelines of fields, variables, literals and functions joined by `|`), and the
 * blocks `{{if}}`/`{{else if}}`/`{{else}}`/`{{end}}`, `{{range [$k,] [$v :=] X}}` and
 * `{{with X}}`. `{{-` and `-}}` trim the space beside them. Pure.
 */
import { ValidationError } from './errors.js';
import { FUNCTIONS, type Value } from './templateFunctions.js';

export type Arg =
  | { kind: 'path'; path: string[] }
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'literal'; value: Value };
/** One command of a pipeline: a function and its arguments, or a single value (fn null). */
export interface Command { fn: string | null; args: Arg[] }
export type Pipeline = Command[];
export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline }
  | { kind: 'if' | 'with'; pipeline: Pipeline; then: Node[]; otherwise: Node[] }
  | { kind: 'range'; pipeline: Pipeline; vars: string[]; body: Node[]; otherwise: Node[] };

export interface Template {
  table: boolean;
  parts: Node[];
}

type Segment = { text: string } | { action: string };

const fail = (why: string, format: string): never => {
  throw new ValidationError(`template parsing error: ${why} in "${format}"`);
};

function tokenize(text: string, format: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\||[^\s"|]+)/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(text)) !== null) {
    tokens.push(match[1]!);
    consumed = re.lastIndex;
  }
  if (text.slice(consumed).trim()) fail(`invalid action "{{${text}}}"`, format);
  return tokens;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseArg(token: string, format: string): Arg {
  if (token === '.') return { kind: 'path', path: [] };
  const fields = (rest: string) => {
    const path = rest ? rest.split('.') : [];
    if (path.some((p) => !FIELD.test(p))) throw new ValidationError(`invalid field "${token}" in template "${format}"`);
    return path;
  };
  if (token.startsWith('.')) return { kind: 'path', path: fields(token.slice(1)) };
  const variable = /^\$([A-Za-z0-9_]*)(?:\.(.*))?$/.exec(token);
  if (variable) return { kind: 'var', name: variable[1]!, path: fields(variable[2] ?? '') };
  if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
  if (/^-?\d+$/.test(token)) return { kind: 'literal', value: Number(token) };
  if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
  throw new ValidationError(`unexpected "${token}" in template "${format}"`);
}

const isValue = (token: string) => /^[.$"]|^-?\d+$|^(true|false)$/.test(token);

function parsePipeline(text: string, format: string): Pipeline {
  const tokens = tokenize(text, format);
  if (tokens.length === 0) fail('missing value for command', format);
  const commands: string[][] = [[]];
  for (const token of tokens) {
    if (token === '|') commands.push([]);
    else commands[commands.length - 1]!.push(token);
  }
  return commands.map((words, i) => {
    const first = words[0];
    if (first === undefined) return fail('missing command in pipeline', format);
    const piped = i > 0 ? 1 : 0;
    if (isValue(first)) {
      if (words.length !== 1) fail(`can't give argument to non-function ${first}`, format);
      if (piped) fail(`can't pipe into non-function ${first}`, format);
      return { fn: null, args: [parseArg(first, format)] };
    }
    const fn = FUNCTIONS[first];
    if (!fn) return fail(`function "${first}" not defined`, format);
    if (words.length - 1 + piped !== fn.arity) {
      throw new ValidationError(`template: wrong number of args for ${first}: want ${fn.arity} got ${words.length - 1 + piped}`);
    }
    return { fn: first, args: words.slice(1).map((t) => parseArg(t, format)) };
  });
}

/** Text and actions, with `{{-`/`-}}` trimming applied. */
function segments(source: string, format: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  let trimNext = false;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    let text = source.slice(at, open === -1 ? source.length : open);
    if (trimNext) text = text.trimStart();
    if (open === -1) {
      if (text) out.push({ text });
      break;
    }
    const close = source.indexOf('}}', open + 2);
    if (close === -1) fail('unclosed action', format);
    let inner = source.slice(open + 2, close);
    if (/^-(\s|$)/.test(inner)) { text = text.trimEnd(); inner = inner.slice(1); }
    trimNext = /(^|\s)-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -1);
    if (text) out.push({ text });
    out.push({ action: inner.trim() });
    at = close + 2;
  }
  return out;
}

class Parser {
  private at = 0;
  constructor(private readonly segments: Segment[], private readonly format: string) {}

  /** Nodes up to an `end` or `else` (returned as the terminator), or to the end of the text. */
  list(): { nodes: Node[]; end: string | null } {
    const nodes: Node[] = [];
    while (this.at < this.segments.length) {
      const segment = this.segments[this.at++]!;
      if ('text' in segment) { nodes.push({ kind: 'text', text: segment.text }); continue; }
      const action = segment.action;
      const keyword = /^(\w+)(?:\s+|$)/.exec(action);
      const rest = keyword ? action.slice(keyword[0].length) : action;
      switch (keyword?.[1]) {
        case 'end':
          if (rest) fail('unexpected text after end', this.format);
          return { nodes, end: 'end' };
        case 'else':
          return { nodes, end: action };
        case 'if':
          nodes.push(this.block('if', rest));
          break;
        case 'with':
          nodes.push(this.block('with', rest));
          break;
        case 'range':
          nodes.push(this.range(rest));
          break;
        default:
          nodes.push({ kind: 'action', pipeline: parsePipeline(action, this.format) });
      }
    }
    return { nodes, end: null };
  }

  /** The else part of a block: `else if …` nests an if that takes the one `end`. */
  private otherwise(end: string | null, kind: string): Node[] {
    if (end === null) fail(`unexpected EOF: {{${kind}}} without {{end}}`, this.format);
    if (end === 'end') return [];
    const elseIf = /^else\s+if\s+(.*)$/.exec(end!);
    if (elseIf) return [this.block('if', elseIf[1]!)];
    if (end !== 'else') fail(`unexpected "${end}"`, this.format);
    const last = this.list();
    if (last.end !== 'end') fail(last.end === null ? `unexpected EOF: {{${kind}}} without {{end}}` : 'more than one {{else}}', this.format);
    return last.nodes;
  }

  private block(kind: 'if' | 'with', text: string): Node {
    const pipeline = parsePipeline(text, this.format);
    const { nodes, end } = this.list();
    return { kind, pipeline, then: nodes, otherwise: this.otherwise(end, kind) };
  }

  private range(text: string): Node {
    const declared = /^(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*(.*)$/.exec(text);
    const vars = declared ? [declared[1]!, declared[2]].filter((v): v is string => v !== undefined).map((v) => v.slice(1)) : [];
    const pipeline = parsePipeline(declared ? declared[3]! : text, this.format);
    const { nodes, end } = this.list();
    return { kind: 'range', pipeline, vars, body: nodes, otherwise: this.otherwise(end, 'range') };
  }
}

/** Parses a format string; throws ValidationError with Docker-like wording on a bad template. */
export function parseTemplate(format: string): Template {
  let source = format;
  let table = false;
  if (/^table(\s|$)/.test(source)) {
    table = true;
    source = source.slice(5).trimStart();
  }
  source = source.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const parser = new Parser(segments(source, format), format);
  const { nodes, end } = parser.list();
  if (end !== null) fail(`unexpected {{${end}}}`, format);
  return { table, parts: nodes };
}
