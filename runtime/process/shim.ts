import { constants as osConstants } from 'node:os';

import { BerthError, errnoDescription, errnoName, InitError } from '../../events/errors.js';
import { SHIM_STEPS as SHIM_STEP_NAMES } from './shimProtocol.js';
import { encodeShimSpec, type ShimSpec } from './shimSpec.js';
import { nativeBinary } from '../nativeBinary.js';
import { ShimReportError, spawnerFor } from './shimSpawner.js';

export type { ShimSpec } from './shimSpec.js';

/** Default location of the shim: dist/native/berth-shim, next to dist/runtime/process/shim.js. */
export const DEFAULT_SHIM_BINARY = nativeBinary('berth-shim');

/** Steps that run in the shim itself rather than in the container's init (declared in shimProtocol.ts). */
const SHIM_STEPS: ReadonlySet<string> = new Set(SHIM_STEP_NAMES);

/** The message of a failed setup step: where (shim or init), the step, the detail, the errno. */
function initMessage(step: string, errno: number, detail: string): string {
  const where = SHIM_STEPS.has(step) ? 'shim' : 'init';
  const prefix = step === 'exec' ? `${where}: ` : `${where}: ${step}: `;
  const desc = errnoDescription(errno);
  const addDesc = errno !== 0 && step !== 'spec' && desc !== undefined && !detail.endsWith('not found in $PATH');
  const text = detail || step;
  return `${prefix}${text}${addDesc ? `: ${desc}` : ''}${errno ? ` (${errnoName(errno)})` : ''}`;
}

/** Docker's exit code for a failed step: 127 command not found, 126 not executable, 125 anything else. */
function initExitCode(step: string, errno: number): 125 | 126 | 127 {
  if (step !== 'exec') return 125;
  const e = osConstants.errno;
  if (errno === e.ENOENT) return 127;
  if (errno === e.EACCES || errno === e.ENOEXEC || errno === e.EISDIR || errno === e.EPERM) return 126;
  return 125;
}

/** Parse the shim's one-line report; exported for tests. */
export function parseShimReport(line: string): { pid: number; shimPid: number } | InitError {
  const ok = /^ok (\d+) (\d+)$/.exec(line);
  if (ok) return { pid: Number(ok[1]), shimPid: Number(ok[2]) };
  const err = /^err (\S+) (-?\d+) ?(.*)$/.exec(line);
  if (err) {
    const step = err[1];
    const errno = Number(err[2]);
    return new InitError(initMessage(step, errno, err[3]), { step, errno, exitCode: initExitCode(step, errno) });
  }
  throw new BerthError(`berth-shim: unparseable report ${JSON.stringify(line)}`);
}

/**
 * Start a container through berth-shim (the spawner of `opts.binary`: shimSpawner.ts). Resolves
 * once the container's init has exec'd (pid = container init's host pid, shimPid = the
 * long-lived shim, already detached from us). Rejects with InitError when a setup step fails,
 * or with an Error if the shim misbehaves.
 */
export async function startShim(spec: ShimSpec, opts: { binary?: string } = {}): Promise<{ pid: number; shimPid: number }> {
  const payload = encodeShimSpec(spec);
  let line: string;
  try {
    line = await spawnerFor(opts.binary ?? DEFAULT_SHIM_BINARY).request(payload);
  } catch (error) {
    if (!(error instanceof ShimReportError)) throw error;
    line = error.line;
  }
  const report = parseShimReport(line);
  if (report instanceof InitError) throw report;
  return report;
}
