/**
 * A stage's state as its instructions change it: the image config being built (Env, Cmd,
 * Entrypoint, WorkingDir, User, Labels, ExposedPorts, Volumes, StopSignal, Healthcheck, Shell,
 * OnBuild), the ARGs in scope, and the history; and what each instruction asks of the
 * executor (a RUN, a COPY or ADD) with its words expanded as BuildKit expands them. Pure.
 */
import path from 'node:path';
import { ValidationError } from '../../events/errors.js';
import type { ImageRunConfig } from '../images/configChanges.js';
import { healthcheckConfig } from '../images/healthcheckConfig.js';
import type { Instruction } from './dockerfile.js';
import { expandWord, type Scope } from './shellLex.js';

export interface HistoryItem { created: string; created_by: string; comment?: string; empty_layer?: boolean }

/** The image config blob a stage builds (the parts berth writes). */
export interface ConfigBlob {
  created?: string;
  architecture: string;
  os: string;
  config: ImageRunConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: HistoryItem[];
  [key: string]: unknown;
}

export interface StageState {
  blob: ConfigBlob;
  /** ARGs declared in this stage, with their values. */
  args: Map<string, string>;
  /** Whether a CMD was set in this stage (an ENTRYPOINT then keeps it). */
  cmdSet?: boolean;
}

/** What the executor does for an instruction that makes a layer. */
export type LayerWork =
  | { kind: 'run'; argv: string[]; env: string[]; workingDir: string; user: string; createdBy: string }
  | { kind: 'copy'; add: boolean; sources: string[]; dest: string; chown?: string; chmod?: string; createdBy: string };

export interface BuildContext {
  buildArgs: Record<string, string>;
  globalArgs: ReadonlyMap<string, string>;
  escape: string;
  /** ISO time for history entries. */
  now: string;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The state at FROM: the base image's config (none for scratch), with PATH set as BuildKit does. */
export function initialState(base: ConfigBlob | null): StageState {
  const blob: ConfigBlob = base
    ? structuredClone(base)
    : { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
  const env = blob.config.Env ?? [];
  if (!env.some((e) => e.startsWith('PATH='))) blob.config.Env = [DEFAULT_PATH, ...env];
  delete blob.config.OnBuild;
  blob.history ??= [];
  return { blob, args: new Map() };
}

function envMap(config: ImageRunConfig): Map<string, string> {
  return new Map((config.Env ?? []).map((entry) => {
    const eq = entry.indexOf('=');
    return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
  }));
}

/** Variables for expansion: ARGs, then ENV over them (ENV wins, as in BuildKit). */
export function scopeOf(state: StageState): Scope {
  return new Map([...state.args, ...envMap(state.blob.config)]);
}

function withEnv(config: ImageRunConfig, pairs: Array<[string, string]>): string[] {
  const env = envMap(config);
  for (const [key, value] of pairs) env.set(key, value);
  return [...env].map(([key, value]) => `${key}=${value}`);
}

function shellOf(config: ImageRunConfig): string[] {
  return (config.Shell as string[] | undefined) ?? DEFAULT_SHELL;
}

function argvOf(instruction: Extract<Instruction, { form: 'exec' | 'shell' }>, config: ImageRunConfig): string[] {
  return instruction.form === 'exec' ? instruction.argv : [...shellOf(config), instruction.command];
}

function absolute(dir: string, workingDir: string): string {
  return path.posix.resolve('/', workingDir || '/', dir);
}

/** Build args in scope for a RUN: declared ARGs whose name ENV does not override, sorted. */
function runArgs(state: StageState): Array<[string, string]> {
  const env = envMap(state.blob.config);
  return [...state.args].filter(([name]) => !env.has(name)).sort(([a], [b]) => a.localeCompare(b));
}

function history(state: StageState, createdBy: string, now: string, emptyLayer: boolean): StageState {
  const entry: HistoryItem = { created: now, created_by: `${createdBy} # buildkit`, comment: 'buildkit.dockerfile.v0', ...(emptyLayer ? { empty_layer: true } : {}) };
  return { ...state, blob: { ...state.blob, created: now, history: [...state.blob.history, entry] } };
}

/** Records a layer step's outcome: its diff id (null: it changed nothing) and history entry. */
export function addLayer(state: StageState, diffId: string | null, createdBy: string, now: string): StageState {
  const next = history(state, createdBy, now, diffId === null);
  if (diffId) next.blob.rootfs = { type: 'layers', diff_ids: [...state.blob.rootfs.diff_ids, diffId] };
  return next;
}

function set(state: StageState, change: Partial<ImageRunConfig>, createdBy: string, ctx: BuildContext): StageState {
  const next = { ...state, blob: { ...state.blob, config: { ...state.blob.config, ...change } } };
  return history(next, createdBy, ctx.now, true);
}

/** One instruction: a new state (config steps), or the layer work to do first. */
export function applyInstruction(state: StageState, instruction: Instruction, ctx: BuildContext): { state: StageState; work?: LayerWork } {
  const expand = (word: string) => expandWord(word, scopeOf(state), ctx.escape);
  const config = state.blob.config;
  switch (instruction.keyword) {
    case 'FROM':
      throw new ValidationError('FROM inside a stage');
    case 'ARG': {
      const args = new Map(state.args);
      for (const [name, value] of instruction.pairs) {
        const given = ctx.buildArgs[name] ?? (value !== undefined ? expandWord(value, new Map([...scopeOf(state), ...args]), ctx.escape) : ctx.globalArgs.get(name));
        args.set(name, given ?? '');
      }
      const shown = instruction.pairs.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join(' ');
      return { state: history({ ...state, args }, `ARG ${shown}`, ctx.now, true) };
    }
    case 'ENV': {
      const pairs = instruction.pairs.map(([key, value]): [string, string] => [expand(key), expand(value)]);
      return { state: set(state, { Env: withEnv(config, pairs) }, `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`, ctx) };
    }
    case 'LABEL': {
      const pairs = instruction.pairs.map(([key, value]): [string, string] => [expand(key), expand(value)]);
      return { state: set(state, { Labels: { ...(config.Labels ?? {}), ...Object.fromEntries(pairs) } }, `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`, ctx) };
    }
    case 'MAINTAINER': {
      const next = set(state, {}, `MAINTAINER ${instruction.value}`, ctx);
      return { state: { ...next, blob: { ...next.blob, author: instruction.value } } };
    }
    case 'RUN': {
      const argv = argvOf(instruction, config);
      const args = runArgs(state);
      const prefix = args.length ? `|${args.length} ${args.map(([k, v]) => `${k}=${v}`).join(' ')} ` : '';
      return {
        state,
        work: {
          kind: 'run', argv,
          env: withEnv(config, args.filter(([k]) => !envMap(config).has(k))),
          workingDir: config.WorkingDir || '/',
          user: config.User ?? '',
          createdBy: `RUN ${prefix}${argv.join(' ')}`,
        },
      };
    }
    case 'CMD': {
      const argv = argvOf(instruction, config);
      return { state: { ...set(state, { Cmd: argv }, `CMD ${JSON.stringify(argv)}`, ctx), cmdSet: true } };
    }
    case 'ENTRYPOINT': {
      const argv = instruction.form === 'shell' && instruction.command === '' ? [] : argvOf(instruction, config);
      // An ENTRYPOINT clears the CMD inherited from the base image (not one set in this stage).
      return { state: set(state, { Entrypoint: argv, ...(state.cmdSet ? {} : { Cmd: null }) }, `ENTRYPOINT ${JSON.stringify(argv)}`, ctx) };
    }
    case 'SHELL':
      return { state: set(state, { Shell: instruction.argv }, `SHELL ${JSON.stringify(instruction.argv)}`, ctx) };
    case 'WORKDIR': {
      const dir = absolute(expand(instruction.value), config.WorkingDir ?? '/');
      return { state: set(state, { WorkingDir: dir }, `WORKDIR ${dir}`, ctx) };
    }
    case 'USER': {
      const user = expand(instruction.value);
      return { state: set(state, { User: user }, `USER ${user}`, ctx) };
    }
    case 'STOPSIGNAL': {
      const signal = expand(instruction.value);
      return { state: set(state, { StopSignal: signal }, `STOPSIGNAL ${signal}`, ctx) };
    }
    case 'EXPOSE': {
      const ports = instruction.values.map(expand).map((p) => (p.includes('/') ? p.toLowerCase() : `${p}/tcp`));
      return { state: set(state, { ExposedPorts: { ...(config.ExposedPorts ?? {}), ...Object.fromEntries(ports.map((p) => [p, {}])) } }, `EXPOSE map[${ports.map((p) => `${p}:{}`).join(' ')}]`, ctx) };
    }
    case 'VOLUME': {
      const paths = instruction.values.map(expand);
      if (paths.some((p) => p === '')) throw new ValidationError(`dockerfile parse error on line ${instruction.line}: VOLUME specified can not be an empty string`);
      return { state: set(state, { Volumes: { ...(config.Volumes ?? {}), ...Object.fromEntries(paths.map((p) => [p, {}])) } }, `VOLUME ${JSON.stringify(paths)}`, ctx) };
    }
    case 'HEALTHCHECK': {
      const command = instruction.command;
      const test = command === null ? null : command.form === 'exec' ? ['CMD', ...command.argv] : ['CMD-SHELL', command.command];
      return { state: set(state, { Healthcheck: healthcheckConfig(test, instruction.flags) }, test === null ? 'HEALTHCHECK NONE' : `HEALTHCHECK &{${JSON.stringify(test)}}`, ctx) };
    }
    case 'ONBUILD':
      return { state: set(state, { OnBuild: [...((config.OnBuild as string[] | undefined) ?? []), instruction.trigger] }, `ONBUILD ${instruction.trigger}`, ctx) };
    case 'COPY':
    case 'ADD': {
      const sources = instruction.sources.map(expand);
      const rawDest = expand(instruction.dest);
      const dest = absolute(rawDest, config.WorkingDir ?? '/') + (rawDest.endsWith('/') && rawDest !== '/' ? '/' : '');
      if (sources.length > 1 && !dest.endsWith('/')) {
        throw new ValidationError(`When using ${instruction.keyword} with more than one source file, the destination must be a directory and end with a /`);
      }
      const chown = instruction.flags.chown !== undefined ? expand(instruction.flags.chown) : undefined;
      const chmod = instruction.flags.chmod;
      return { state, work: { kind: 'copy', add: instruction.keyword === 'ADD', sources, dest, ...(chown ? { chown } : {}), ...(chmod ? { chmod } : {}), createdBy: `${instruction.text}` } };
    }
  }
}
