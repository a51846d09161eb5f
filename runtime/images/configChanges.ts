/**
 * `commit --change` (and `import --change`): Dockerfile-like instructions that change an image
 * config (CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, USER, WORKDIR, VOLUME, STOPSIGNAL, HEALTHCHECK),
 * parsed and applied as Docker's builder would. Pure.
 *
 * CMD, ENTRYPOINT and VOLUME take a JSON array (exec form) or plain text: for CMD and ENTRYPOINT
 * the shell form `/bin/sh -c TEXT`, for VOLUME whitespace-separated paths. ENV and LABEL take
 * `k=v` pairs (quotes and backslashes as a shell reads them) or the old `KEY VALUE` form.
 * HEALTHCHECK takes `--interval=`, `--timeout=`, `--start-period=`, `--start-interval=` and
 * `--retries=` flags, then `CMD` (exec or shell form) or `NONE`.
 * Variables (`$VAR`) are not substituted.
 */
import path from 'node:path';
import { ValidationError } from '../../events/errors.js';
import { shellWords } from '../../events/shellWords.js';
import { healthcheckConfig, type HealthcheckConfig } from './healthcheckConfig.js';

export type ConfigChange =
  | { instruction: 'CMD' | 'ENTRYPOINT'; argv: string[] }
  | { instruction: 'ENV' | 'LABEL'; pairs: Array<[string, string]> }
  | { instruction: 'EXPOSE'; ports: string[] }
  | { instruction: 'VOLUME'; paths: string[] }
  | { instruction: 'USER' | 'WORKDIR' | 'STOPSIGNAL'; value: string }
  | { instruction: 'HEALTHCHECK'; healthcheck: HealthcheckConfig };

/** The `config` section of an image config blob, as far as changes reach it. */
export interface ImageRunConfig {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string | null;
  User?: string | null;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
  StopSignal?: string | null;
  Healthcheck?: HealthcheckConfig | null;
  [key: string]: unknown;
}

const INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'LABEL', 'EXPOSE', 'USER', 'WORKDIR', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK'] as const;

function fail(line: string, why: string): never {
  throw new ValidationError(`invalid --change "${line}": ${why}`);
}

/** A JSON array of strings, or null when the text is not one (then it is the shell form). */
export function jsonArray(text: string): string[] | null {
  if (!text.startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

function pairsOf(line: string, instruction: 'ENV' | 'LABEL', rest: string): Array<[string, string]> {
  const first = /^(\S+)/.exec(rest)![1]!;
  if (!first.includes('=')) {
    // The old form: KEY VALUE, the value being the rest of the line.
    const value = rest.slice(first.length).trim();
    if (instruction === 'ENV' && value === '') fail(line, 'ENV needs a value: ENV KEY=VALUE or ENV KEY VALUE');
    return [[first, shellWords(value).join(' ')]];
  }
  let words: string[];
  try {
    words = shellWords(rest);
  } catch (error) {
    fail(line, (error as Error).message);
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq === -1) fail(line, `${word}: ${instruction} takes KEY=VALUE pairs`);
    if (eq === 0) fail(line, `${instruction} names can not be blank`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

function portsOf(line: string, rest: string): string[] {
  const ports: string[] = [];
  for (const word of rest.split(/\s+/)) {
    const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
    const low = Number(match?.[1]);
    const high = match?.[2] === undefined ? low : Number(match[2]);
    if (!match || low < 1 || high > 65535 || high < low) fail(line, `invalid port ${word}`);
    const proto = (match[3] ?? 'tcp').toLowerCase();
    for (let port = low; port <= high; port++) ports.push(`${port}/${proto}`);
  }
  return ports;
}

/** `[--flag=value...] CMD command` or `NONE`, as a HEALTHCHECK line's rest. */
function healthcheckOf(line: string, rest: string): HealthcheckConfig {
  const flags: Record<string, string> = {};
  let text = rest;
  for (let flag = /^--([a-z-]+)=(\S*)\s*/.exec(text); flag; flag = /^--([a-z-]+)=(\S*)\s*/.exec(text)) {
    flags[flag[1]!] = flag[2]!;
    text = text.slice(flag[0].length);
  }
  const [kind = '', ...words] = text.split(/\s+/);
  const command = text.slice(kind.length).trim();
  try {
    if (kind.toUpperCase() === 'NONE' && words.length === 0) return healthcheckConfig(null, flags);
    if (kind.toUpperCase() !== 'CMD' || command === '') fail(line, 'HEALTHCHECK takes CMD followed by a command, or NONE');
    const argv = jsonArray(command);
    return healthcheckConfig(argv ? ['CMD', ...argv] : ['CMD-SHELL', command], flags);
  } catch (error) {
    if (error instanceof ValidationError && !error.message.startsWith('invalid --change')) fail(line, error.message);
    throw error;
  }
}

/** Parses one `--change` value. */
export function parseChange(line: string): ConfigChange {
  const match = /^\s*(\S+)\s*([\s\S]*?)\s*$/.exec(line);
  if (!match) fail(line, 'empty change');
  const instruction = match[1]!.toUpperCase();
  const rest = match[2]!;
  if (!(INSTRUCTIONS as readonly string[]).includes(instruction)) {
    fail(line, `${match[1]} is not a valid change command (use ${INSTRUCTIONS.join(', ')})`);
  }
  if (rest === '') fail(line, `${instruction} needs an argument`);
  switch (instruction) {
    case 'CMD':
    case 'ENTRYPOINT':
      return { instruction, argv: jsonArray(rest) ?? ['/bin/sh', '-c', rest] };
    case 'ENV':
    case 'LABEL':
      return { instruction, pairs: pairsOf(line, instruction, rest) };
    case 'EXPOSE':
      return { instruction, ports: portsOf(line, rest) };
    case 'HEALTHCHECK':
      return { instruction, healthcheck: healthcheckOf(line, rest) };
    case 'VOLUME': {
      const paths = jsonArray(rest) ?? rest.split(/\s+/);
      if (paths.some((p) => p === '')) fail(line, 'VOLUME paths can not be empty');
      return { instruction, paths };
    }
    default: {
      const words = rest.split(/\s+/);
      if (instruction !== 'WORKDIR' && words.length > 1) fail(line, `${instruction} takes one value`);
      return { instruction: instruction as 'USER' | 'WORKDIR' | 'STOPSIGNAL', value: instruction === 'WORKDIR' ? rest : words[0]! };
    }
  }
}

/** Applies changes in order. An ENTRYPOINT drops the Cmd unless a CMD came before it (Docker's rule). */
export function applyChanges(config: ImageRunConfig, changes: ConfigChange[]): ImageRunConfig {
  const next: ImageRunConfig = { ...config };
  let cmdSet = false;
  for (const change of changes) {
    switch (change.instruction) {
      case 'CMD':
        next.Cmd = change.argv;
        cmdSet = true;
        break;
      case 'ENTRYPOINT':
        next.Entrypoint = change.argv;
        if (!cmdSet) next.Cmd = null;
        break;
      case 'ENV': {
        const env = [...(next.Env ?? [])];
        for (const [key, value] of change.pairs) {
          const at = env.findIndex((entry) => entry === key || entry.startsWith(`${key}=`));
          if (at === -1) env.push(`${key}=${value}`);
          else env[at] = `${key}=${value}`;
        }
        next.Env = env;
        break;
      }
      case 'LABEL':
        next.Labels = { ...(next.Labels ?? {}), ...Object.fromEntries(change.pairs) };
        break;
      case 'EXPOSE':
        next.ExposedPorts = { ...(next.ExposedPorts ?? {}), ...Object.fromEntries(change.ports.map((p) => [p, {}])) };
        break;
      case 'VOLUME':
        next.Volumes = { ...(next.Volumes ?? {}), ...Object.fromEntries(change.paths.map((p) => [p, {}])) };
        break;
      case 'WORKDIR':
        next.WorkingDir = path.posix.resolve(next.WorkingDir || '/', change.value);
        break;
      case 'USER':
        next.User = change.value;
        break;
      case 'STOPSIGNAL':
        next.StopSignal = change.value;
        break;
      case 'HEALTHCHECK':
        next.Healthcheck = change.healthcheck;
        break;
    }
  }
  return next;
}
