/**
 * The Dockerfile's word rules, as BuildKit's shell lexer (frontend/dockerfile/shell) applies
 * them to the instructions that expand variables: quotes and the escape character, `$VAR`,
 * `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}` and
 * `${VAR?msg}`. Pure.
 */
import { ValidationError } from '../../events/errors.js';

/** Variables in scope: a name to its value (absent: not set). */
export type Scope = ReadonlyMap<string, string>;

class Reader {
  pos = 0;
  constructor(readonly text: string) {}
  peek(): string { return this.text[this.pos] ?? ''; }
  next(): string { return this.text[this.pos++] ?? ''; }
  done(): boolean { return this.pos >= this.text.length; }
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

function readName(r: Reader): string {
  let name = '';
  while (!r.done() && NAME_CHAR.test(r.peek())) name += r.next();
  return name;
}

/** A word inside `${...}` after an operator, up to the closing brace (quotes and `$` handled). */
function readModifierWord(r: Reader, scope: Scope, escape: string): string {
  let out = '';
  while (!r.done() && r.peek() !== '}') {
    const c = r.next();
    if (c === escape && !r.done()) out += r.next();
    else if (c === '$') out += readDollar(r, scope, escape);
    else if (c === "'") out += readSingle(r);
    else if (c === '"') out += readDouble(r, scope, escape);
    else out += c;
  }
  if (r.next() !== '}') throw new ValidationError(`syntax error: missing '}' in ${r.text}`);
  return out;
}

/** After a `$`: the variable's value (or the `$` itself when no name follows). */
function readDollar(r: Reader, scope: Scope, escape: string): string {
  if (r.peek() === '{') {
    r.next();
    const name = readName(r);
    if (!name) throw new ValidationError(`bad substitution: ${r.text}`);
    const value = scope.get(name);
    if (r.peek() === '}') { r.next(); return value ?? ''; }
    if (r.done()) throw new ValidationError(`syntax error: missing '}' in ${r.text}`);
    let op = r.next();
    const colon = op === ':';
    if (colon) op = r.next();
    if (!['-', '+', '?'].includes(op)) throw new ValidationError(`unsupported modifier (${colon ? ':' : ''}${op}) in substitution: ${r.text}`);
    const word = readModifierWord(r, scope, escape);
    const set = value !== undefined && (!colon || value !== '');
    if (op === '-') return set ? value! : word;
    if (op === '+') return set ? word : '';
    if (!set) throw new ValidationError(`${name}: ${word || 'is not allowed to be unset'}`);
    return value!;
  }
  if (NAME_START.test(r.peek())) return scope.get(readName(r)) ?? '';
  if (/[0-9*#@$?!-]/.test(r.peek()) && r.peek() !== '') { r.next(); return ''; }
  return '$';
}

function readSingle(r: Reader): string {
  let out = '';
  while (!r.done() && r.peek() !== "'") out += r.next();
  if (r.next() !== "'") throw new ValidationError(`unexpected end of statement while looking for matching single-quote: ${r.text}`);
  return out;
}

function readDouble(r: Reader, scope: Scope, escape: string): string {
  let out = '';
  while (!r.done() && r.peek() !== '"') {
    const c = r.next();
    if (c === '$') out += readDollar(r, scope, escape);
    else if (c === escape && ['"', '$', escape].includes(r.peek())) out += r.next();
    else out += c;
  }
  if (r.next() !== '"') throw new ValidationError(`unexpected end of statement while looking for matching double-quote: ${r.text}`);
  return out;
}

/** One word with its variables expanded and its quotes and escapes removed. */
export function expandWord(text: string, scope: Scope, escape = '\\'): string {
  const r = new Reader(text);
  let out = '';
  while (!r.done()) {
    const c = r.next();
    if (c === escape) { if (!r.done()) out += r.next(); }
    else if (c === '$') out += readDollar(r, scope, escape);
    else if (c === "'") out += readSingle(r);
    else if (c === '"') out += readDouble(r, scope, escape);
    else out += c;
  }
  return out;
}

/**
 * Splits text at unquoted whitespace, keeping quotes and escapes in the words (BuildKit's
 * parseWords), for instructions whose words are expanded one by one afterwards.
 */
export function splitWords(text: string, escape = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!quote && /\s/.test(c)) {
      if (word) words.push(word);
      word = '';
      continue;
    }
    word += c;
    if (c === escape && i + 1 < text.length && quote !== "'") word += text[++i];
    else if (quote && c === quote) quote = '';
    else if (!quote && (c === '"' || c === "'")) quote = c;
  }
  if (word) words.push(word);
  return words;
}

/** `KEY=VALUE` words (or the old `KEY VALUE` form), unexpanded, as ENV, LABEL and ARG give them. */
export function splitPairs(text: string, keyword: string, escape = '\\'): Array<[string, string | undefined]> {
  const words = splitWords(text, escape);
  if (words.length === 0) throw new ValidationError(`${keyword} requires at least one argument`);
  if (!words[0]!.includes('=') && keyword !== 'ARG') {
    const rest = text.trim().slice(words[0]!.length).trim();
    if (!rest) throw new ValidationError(`${keyword} must have two arguments`);
    return [[words[0]!, rest]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq === -1) {
      if (keyword === 'ARG') return [word, undefined];
      throw new ValidationError(`${keyword} syntax error; can't find = in "${word}". Must be of the form: name=value`);
    }
    if (eq === 0) throw new ValidationError(`${keyword} names can not be blank`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}
