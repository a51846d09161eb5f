/**
 * A Dockerfile read into berth's own typed instruction list. dockerfile-ast (rcjsuen's parser,
 * the one behind VS Code's Dockerfile support) reads the syntax: lines, continuations,
 * comments, the escape directive, flags. Words stay unexpanded here: their meaning (which
 * expand, and with what) is the planner's and the stage state's. Pure.
 */
import { jsonArray } from '../images/configChanges.js';
import { DockerfileParser, type Instruction as AstInstruction } from 'dockerfile-ast';
import { ValidationError } from '../../events/errors.js';
import { splitPairs, splitWords } from './shellLex.js';

/** A command as RUN, CMD, ENTRYPOINT and HEALTHCHECK take it: exec form (JSON) or shell form. */
export type CommandForm = { form: 'exec'; argv: string[] } | { form: 'shell'; command: string };

interface Base {
  /** 1-based line of the instruction's keyword. */
  line: number;
  /** The instruction as written (continuations joined), for history and messages. */
  text: string;
  /** `--name=value` flags. */
  flags: Record<string, string>;
}

export type Instruction = Base & (
  | { keyword: 'FROM'; image: string; stageName?: string }
  | { keyword: 'ARG'; pairs: Array<[string, string | undefined]> }
  | { keyword: 'ENV' | 'LABEL'; pairs: Array<[string, string]> }
  | ({ keyword: 'RUN' | 'CMD' | 'ENTRYPOINT' } & CommandForm)
  | { keyword: 'SHELL'; argv: string[] }
  | { keyword: 'COPY' | 'ADD'; sources: string[]; dest: string }
  | { keyword: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string }
  | { keyword: 'EXPOSE' | 'VOLUME'; values: string[] }
  | { keyword: 'HEALTHCHECK'; command: CommandForm | null }
  | { keyword: 'ONBUILD'; trigger: string }
);

export interface ParsedDockerfile {
  escape: string;
  instructions: Instruction[];
}

const KNOWN = new Set(['FROM', 'ARG', 'ENV', 'LABEL', 'RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'WORKDIR', 'USER', 'STOPSIGNAL', 'MAINTAINER', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'ONBUILD']);

/** A parse error as BuildKit words it. */
export function parseError(line: number, message: string): ValidationError {
  return new ValidationError(`dockerfile parse error on line ${line}: ${message}`);
}

export function commandForm(text: string): CommandForm {
  const argv = jsonArray(text);
  return argv ? { form: 'exec', argv } : { form: 'shell', command: text };
}

function flagsOf(instruction: AstInstruction): Record<string, string> {
  const withFlags = instruction as AstInstruction & { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> };
  return Object.fromEntries((withFlags.getFlags?.() ?? []).map((f) => [f.getName(), f.getValue() ?? '']));
}

/** What follows the flags (dockerfile-ast leaves the flags out of the arguments content). */
function argumentsOf(instruction: AstInstruction): string {
  return (instruction.getArgumentsContent() ?? '').trim();
}

function typed(keyword: string, args: string, base: Base, escape: string): Instruction {
  const need = (ok: boolean, message: string) => { if (!ok) throw parseError(base.line, message); };
  switch (keyword) {
    case 'FROM': {
      const words = splitWords(args, escape);
      need(words.length === 1 || (words.length === 3 && words[1]!.toLowerCase() === 'as'), 'FROM requires either one or three arguments');
      return { ...base, keyword, image: words[0]!, ...(words[2] ? { stageName: words[2].toLowerCase() } : {}) };
    }
    case 'ARG':
      need(args !== '', 'ARG requires exactly one argument');
      return { ...base, keyword, pairs: splitPairs(args, keyword, escape) };
    case 'ENV':
    case 'LABEL':
      return { ...base, keyword, pairs: splitPairs(args, keyword, escape) as Array<[string, string]> };
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT':
      need(args !== '' || keyword !== 'RUN', `${keyword} requires at least one argument`);
      return { ...base, keyword, ...commandForm(args) };
    case 'SHELL': {
      const argv = jsonArray(args);
      need(argv !== null && argv.length > 0, 'SHELL requires the arguments to be in JSON form');
      return { ...base, keyword, argv: argv! };
    }
    case 'COPY':
    case 'ADD': {
      const words = jsonArray(args) ?? splitWords(args, escape);
      need(words.length >= 2, `${keyword} requires at least two arguments, but only one was provided. Destination could not be determined.`);
      return { ...base, keyword, sources: words.slice(0, -1), dest: words.at(-1)! };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      need(args !== '', `${keyword} requires exactly one argument`);
      return { ...base, keyword, value: args };
    case 'EXPOSE':
    case 'VOLUME': {
      const values = (keyword === 'VOLUME' ? jsonArray(args) : null) ?? splitWords(args, escape);
      need(values.length > 0, `${keyword} requires at least one argument`);
      return { ...base, keyword, values };
    }
    case 'HEALTHCHECK': {
      const [kind, ...rest] = args.split(/\s+/);
      if (kind?.toUpperCase() === 'NONE') return { ...base, keyword, command: null };
      need(kind?.toUpperCase() === 'CMD', 'HEALTHCHECK requires CMD or NONE');
      return { ...base, keyword, command: commandForm(rest.join(' ').trim()) };
    }
    case 'ONBUILD': {
      const trigger = args.split(/\s+/)[0]!.toUpperCase();
      need(!['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger), `${trigger} isn't allowed as an ONBUILD trigger`);
      return { ...base, keyword, trigger: args };
    }
    default:
      throw parseError(base.line, `unknown instruction: ${keyword}`);
  }
}

/** Parses a Dockerfile; an unknown or malformed instruction is a parse error naming its line. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter();
  const instructions = ast.getInstructions().map((instruction) => {
    const keyword = instruction.getKeyword().toUpperCase();
    const line = instruction.getRange().start.line + 1;
    if (!KNOWN.has(keyword)) throw parseError(line, `unknown instruction: ${instruction.getKeyword()}`);
    const args = argumentsOf(instruction);
    const flags = flagsOf(instruction);
    const flagText = Object.entries(flags).map(([name, value]) => `--${name}=${value}`);
    const text = [keyword, ...flagText, args].filter(Boolean).join(' ');
    return typed(keyword, args, { line, text, flags }, escape);
  });
  return { escape, instructions };
}
