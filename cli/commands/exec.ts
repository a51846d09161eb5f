/**
 * `berth exec`: run a command in a running container, print its output as it comes and exit
 * with its exit code. The exec id is chosen here, so its output and events are followed
 * before it exists. With -i/-t, stdin, the window size and ctrl-p ctrl-q go through the exec's
 * attach socket as for `run -it` (client/shimConnection.ts, cli/shimAttach.ts); the output still comes over NATS.
 */
import { randomBytes } from 'node:crypto';
import { BerthError, ExecError, ValidationError } from '../../events/errors.js';
import { followContainer, OUTPUT_GRACE_MS } from '../../client/followContainer.js';
import { connectToContainer, type GlobalOptions } from '../client.js';
import { parseEnv } from '../parse.js';
import { ShimConnection } from '../../client/shimConnection.js';
import { attachTerminal } from '../shimAttach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detachKeys.js';
import { readFlagFiles } from '../flagFiles.js';
import { printOutput } from '../output.js';

export interface ExecOptions {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  /** --detach-keys (cli/detachKeys.ts). */
  detachKeys?: string;
  privileged?: boolean;
  env: string[];
  /** --env-file (cli/flagFiles.ts); -e overrides them. */
  envFile?: string[];
  workdir?: string;
  user?: string;
}

export default async function exec(container: string, command: string[], opts: ExecOptions, globals: GlobalOptions): Promise<number> {
  if (opts.workdir !== undefined && !opts.workdir.startsWith('/')) throw new ValidationError(`the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`);
  const execId = randomBytes(32).toString('hex');
  const env = [...(await readFlagFiles({ envFile: opts.envFile })).env, ...parseEnv(opts.env)];
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const interactive = (opts.interactive ?? false) && !opts.detach;
  const tty = opts.tty ?? false;
  const { client, ref } = await connectToContainer(globals, container);
  const request = {
    op: 'container.exec' as const,
    ref,
    exec: {
      execId, cmd: command, env, workingDir: opts.workdir ?? '', user: opts.user ?? '',
      ...(interactive ? { openStdin: true } : {}),
      ...(tty ? { tty: true } : {}),
      ...(opts.privileged ? { privileged: true } : {}),
    },
  };
  try {
    if (opts.detach) {
      await client.request(request);
      return 0;
    }
    const follow = await followContainer(client.nc, { host: client.host, container: ref, execId, outputGraceMs: OUTPUT_GRACE_MS }, printOutput);
    let undoTerminal = () => {};
    let conn: ShimConnection | null = null;
    // raw before the exec starts: what is typed early must not be echoed or line-buffered here
    if (interactive && tty && process.stdin.isTTY) process.stdin.setRawMode(true);
    let end;
    try {
      await client.request(request);
      if (interactive || tty) {
        conn = await ShimConnection.connect(client.layout.execSocket(execId));
        if (conn) {
          undoTerminal = attachTerminal(conn, { stdin: interactive, tty, detachKeys }, () => follow.detach());
        } else if (!follow.hasExited) {
          process.stderr.write(`berth: no attach socket at ${client.layout.execSocket(execId)}: stdin and window size are not forwarded (they work only on the daemon's machine)\n`);
        }
      }
      end = await follow.ended;
    } finally {
      undoTerminal();
      await conn?.close();
      if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
      follow.close();
    }
    if (end.detached) return 0;
    if (end.error) {
      if (end.exitCode === 126 || end.exitCode === 127) throw new ExecError(end.error, end.exitCode);
      throw new BerthError(end.error);
    }
    return end.exitCode ?? 125;
  } finally {
    await client.close();
  }
}
