/**
 * The subset of Go's text/template that Docker uses (the `--format` flags, a log driver's `tag`):
 * rendering a parsed template (events/templateParse.ts) with the functions of
 * events/templateFunctions.ts. Pure.
 *
 * Supported: literal text; `{{.Field}}` and paths `{{.State.Status}}`; `{{.}}`; variables (`$`,
 * and those `range` declares); functions `json`, `upper`, `lower`, `title`, `len`, `join X SEP`,
 * `index X KEY`, `truncate X N`, `eq`, `ne`, `not`, `and`, `or` with arguments that are paths,
 * "strings", numbers or booleans; pipes `X | fn`; `{{if}}`/`{{else if}}`/`{{else}}`/`{{end}}`,
 * `{{range}}` (lists, and maps by sorted key) and `{{with}}`; `\t` and `\n` written as two
 * characters (as shells pass them). Not supported: `printf`, `define`/`template`, assignments
 * outside `range`.
 */
import { ValidationError } from './errors.js';
import { FUNCTIONS, text, truthy, type Value } from './templateFunctions.js';
import type { Arg, Node, Pipeline, Template } from './templateParse.js';

/** The variables in scope: `$` is the data the template was given. */
type Scope = ReadonlyMap<string, Value>;

function lookup(data: Value, path: string[]): Value {
  let value = data;
  for (const key of path) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, Value>)[key];
  }
  return value;
}

function argValue(arg: Arg, dot: Value, scope: Scope): Value {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'path') return lookup(dot, arg.path);
  if (!scope.has(arg.name)) throw new ValidationError(`template: undefined variable "$${arg.name}"`);
  return lookup(scope.get(arg.name), arg.path);
}

function run(pipeline: Pipeline, dot: Value, scope: Scope): Value {
  let value: Value;
  pipeline.forEach((command, i) => {
    const args = command.args.map((arg) => argValue(arg, dot, scope));
    if (i > 0) args.push(value);
    value = command.fn === null ? args[0] : FUNCTIONS[command.fn]!.call(...args);
  });
  return value;
}

/** What range walks: a list's index and element, or a map's key and value in key order. */
function entries(value: Value): Array<[Value, Value]> {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item, i) => [i, item]);
  if (typeof value === 'object') return Object.keys(value).sort().map((key) => [key, (value as Record<string, Value>)[key]]);
  throw new ValidationError(`template: range can't iterate over ${text(value)}`);
}

function renderNodes(nodes: Node[], dot: Value, scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'action':
        out += text(run(node.pipeline, dot, scope));
        break;
      case 'if':
      case 'with': {
        const value = run(node.pipeline, dot, scope);
        if (truthy(value)) out += renderNodes(node.then, node.kind === 'with' ? value : dot, scope);
        else out += renderNodes(node.otherwise, dot, scope);
        break;
      }
      case 'range': {
        const items = entries(run(node.pipeline, dot, scope));
        if (items.length === 0) out += renderNodes(node.otherwise, dot, scope);
        for (const [key, item] of items) {
          const inner = new Map(scope);
          if (node.vars.length === 1) inner.set(node.vars[0]!, item);
          if (node.vars.length === 2) { inner.set(node.vars[0]!, key); inner.set(node.vars[1]!, item); }
          out += renderNodes(node.body, item, inner);
        }
        break;
      }
    }
  }
  return out;
}

/** Renders one value through a parsed template (without the table header). */
export function render(template: Template, data: Value): string {
  return renderNodes(template.parts, data, new Map([['', data]]));
}
