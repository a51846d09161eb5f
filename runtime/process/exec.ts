/**
 * `berth-shim exec`: one more process in a running container (runtime/native/exec.c). The
 * spec goes on fd 3 like a container's; the process's stdout and stderr come back on pipes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Duplex, Readable } from 'node:stream';

import { BerthError, InitError, SystemError } from '../../events/errors.js';
import { DEFAULT_SHIM_BINARY, parseShimReport } from './shim.js';
import { securityPairs, type SecuritySpec } from './securitySpec.js';
import type { SpecKey } from './shimProtocol.js';

export interface ExecSpec {
  /** host pid of the container's init, whose namespaces the process joins */
  pid: number;
  args: string[];
  env: string[];
  /** inside the container */
  cwd: string;
  /** cgroup.procs files to join */
  cgroupProcs: string[];
  security: SecuritySpec;
  /** -i: the process's stdin is a pipe fed through the attach socket (else /dev/null). */
  stdin?: boolean;
  /** -t: a pty as its stdio and controlling terminal. */
  tty?: boolean;
  /** The attach socket (protocol: runtime/native/sock.c); removed here when the exec ends. */
  sockPath?: string;
}

/** The exec spec in the shim's key\0value\0 format. */
export function encodeExecSpec(spec: ExecSpec): Buffer {
  const pairs: Array<[SpecKey, string]> = [['execPid', String(spec.pid)]];
  for (const arg of spec.args) pairs.push(['args', arg]);
  for (const entry of spec.env) pairs.push(['env', entry]);
  pairs.push(['cwd', spec.cwd || '/']);
  for (const file of spec.cgroupProcs) pairs.push(['cgroupProcs', file]);
  pairs.push(...securityPairs(spec.security));
  if (spec.stdin) pairs.push(['stdin', '1']);
  if (spec.tty) pairs.push(['tty', '1']);
  if (spec.sockPath !== undefined) pairs.push(['sockPath', spec.sockPath]);
  if (spec.args.length === 0) throw new TypeError('ExecSpec.args must not be empty');
  for (const [key, value] of pairs) if (value.includes('\0')) throw new TypeError(`ExecSpec.${key} must not contain NUL bytes`);
  return Buffer.from(pairs.map(([k, v]) => `${k}\0${v}\0`).join(''), 'utf8');
}

export interface RunningExec {
  /** the process's host pid once it has exec'd; rejects with InitError when it could not start */
  started: Promise<number>;
  /** its exit code (128 + signal when killed); resolves after started settles */
  exited: Promise<number>;
}

/** Starts an exec; `onOutput` gets its output as it comes. */
export function startExec(
  spec: ExecSpec,
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void,
  opts: { binary?: string } = {},
): RunningExec {
  const payload = encodeExecSpec(spec);
  const child = spawn(opts.binary ?? DEFAULT_SHIM_BINARY, ['exec'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let report = '';
  let resolveStarted!: (pid: number) => void;
  let rejectStarted!: (error: Error) => void;
  const started = new Promise<number>((resolve, reject) => { resolveStarted = resolve; rejectStarted = reject; });
  started.catch(() => {});
  const settle = () => {
    const nl = report.indexOf('\n');
    if (nl < 0) return false;
    try {
      const r = parseShimReport(report.slice(0, nl).replace(/^ok (\d+)$/, 'ok $1 0'));
      if (r instanceof InitError) rejectStarted(r);
      else resolveStarted(r.pid);
    } catch (error) {
      rejectStarted(error as Error);
    }
    return true;
  };
  const fd3 = child.stdio[3] as Duplex | null;
  fd3?.on('data', (b: Buffer) => { report += b.toString('utf8'); settle(); });
  fd3?.on('error', () => {});
  fd3?.end(payload);
  (child.stdout as Readable).on('data', (b: Buffer) => onOutput('stdout', b));
  (child.stderr as Readable).on('data', (b: Buffer) => onOutput('stderr', b));
  const exited = new Promise<number>((resolve) => {
    child.on('error', (error) => { rejectStarted(SystemError.from(error, { op: 'spawn', message: `berth-shim exec: ${error.message}` }) as Error); resolve(125); });
    child.on('close', (code, signal) => {
      // the exec left the host's mount namespace: its socket file is removed here
      if (spec.sockPath) fs.rmSync(spec.sockPath, { force: true });
      if (!settle()) rejectStarted(new BerthError(`berth-shim exec ${signal ? `was killed by ${signal}` : `exited with code ${code}`} without reporting`));
      resolve(code ?? 128 + 9);
    });
  });
  return { started, exited };
}
