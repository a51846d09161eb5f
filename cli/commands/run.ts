/**
 * `berth run`: create and start in one request, then follow the container's output and events
 * until it exits (or print its id with -d). Exits with the container's exit code.
 */
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../../events/errors.js';
import type { CreateSpec } from '../../events/requests.js';
import { followContainer } from '../../client/followContainer.js';
import type { RestartPolicy } from '../../events/container.js';
import { parseRestartPolicy } from '../../actors/container/restartPolicy.js';
import { parseHealthFlags, type HealthFlags } from '../healthFlags.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { connectForCreate, type GlobalOptions } from '../client.js';
import { parseMountFlags, parseVolumesFrom } from '../mounts.js';
import { parseHostConfig, type HostConfigFlags } from '../hostConfigFlags.js';
import { parseLogOpts } from '../logOptions.js';
import { parseBytes, parseConstraints, parseEnv, parsePairs, parsePositiveInt } from '../parse.js';
import { attachTerminal, ShimConnection } from '../shimAttach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detachKeys.js';
import { writeCidFile } from '../cidFile.js';
import { parseSignal } from '../../runtime/signals.js';
import { readFlagFiles } from '../flagFiles.js';
import { printOutput } from '../output.js';

/** How long a run whose start failed under --rm waits for the removal under way. */
const REMOVAL_WAIT_MS = 5000;

export interface RunOptions extends HostConfigFlags {
  rm?: boolean;
  /** --constraint key=value: where placement may put it in a cluster. */
  constraint?: string[];
  detach?: boolean;
  name?: string;
  env: string[];
  workdir?: string;
  hostname?: string;
  memory?: string;
  pidsLimit?: string;
  label: string[];
  /** -v, --mount, --tmpfs and --volumes-from (cli/mounts.ts). */
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  volumesFrom?: string[];
  restart?: string;
  /** -i: keep stdin open and forward it; -t: a pty (cli/shimAttach.ts). */
  interactive?: boolean;
  tty?: boolean;
  /** --detach-keys (cli/detachKeys.ts). */
  detachKeys?: string;
  /** --init: berth-init as pid 1. */
  init?: boolean;
  /** --log-opt max-size=…, max-file=… (cli/logOptions.ts). */
  logOpt?: string[];
  /** --env-file, --label-file (cli/flagFiles.ts) and --cidfile (cli/cidFile.ts). */
  stopSignal?: string;
  /** --entrypoint: replaces the image's ENTRYPOINT ('' clears it). */
  entrypoint?: string;
  envFile?: string[];
  labelFile?: string[];
  cidfile?: string;
}

export type RunFlags = RunOptions & HealthFlags;

/**
 * Checks the flags and builds the create spec. Pure but for reading the environment for -e VAR;
 * `files` are the entries of --env-file and --label-file, which the flags override.
 */
export function createSpec(image: string, command: string[], opts: RunFlags, files: { env: string[]; labels: string[] } = { env: [], labels: [] }): CreateSpec {
  normalizeReference(image);
  if (opts.workdir !== undefined && !opts.workdir.startsWith('/')) {
    throw new ValidationError(`the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`);
  }
  if (opts.name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(opts.name)) {
    throw new ValidationError(`Invalid container name (${opts.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  let restartPolicy: RestartPolicy | undefined;
  if (opts.restart !== undefined) {
    try {
      restartPolicy = parseRestartPolicy(opts.restart);
    } catch (error) {
      throw new ValidationError((error as Error).message);
    }
    if (opts.rm && restartPolicy.name !== 'no') throw new ValidationError('Conflicting options: --restart and --rm');
  }
  const logConfig = parseLogOpts(opts.logOpt ?? []);
  const constraints = parseConstraints(opts.constraint ?? []);
  const memoryBytes = opts.memory === undefined ? undefined : parseBytes(opts.memory, '--memory');
  if (memoryBytes !== undefined && memoryBytes < 6 * 1024 * 1024) {
    throw new ValidationError('Minimum memory limit allowed is 6MB');
  }
  return {
    id: randomBytes(32).toString('hex'),
    name: opts.name,
    imageRef: image,
    cmd: command,
    ...(opts.entrypoint !== undefined ? { entrypoint: opts.entrypoint === '' ? [] : [opts.entrypoint] } : {}),
    env: [...files.env, ...parseEnv(opts.env)],
    workingDir: opts.workdir,
    hostname: opts.hostname,
    memoryBytes,
    pidsLimit: opts.pidsLimit === undefined ? undefined : parsePositiveInt(opts.pidsLimit, '--pids-limit'),
    autoRemove: opts.rm ?? false,
    labels: Object.fromEntries(parsePairs([...files.labels, ...opts.label], '--label')),
    restartPolicy,
    mounts: parseMountFlags(opts),
    volumesFrom: (opts.volumesFrom ?? []).map(parseVolumesFrom),
    ...parseHostConfig(opts, memoryBytes),
    health: parseHealthFlags(opts),
    ...(opts.interactive ? { openStdin: true } : {}),
    ...(opts.tty ? { tty: true } : {}),
    ...(logConfig ? { logConfig } : {}),
    ...(opts.init ? { init: true } : {}),
    ...(opts.stopSignal !== undefined ? { stopSignal: parseSignal(opts.stopSignal).name } : {}),
    ...(constraints.length ? { constraints } : {}),
  };
}

export default async function run(image: string, command: string[], opts: RunFlags, globals: GlobalOptions): Promise<number> {
  const spec = createSpec(image, command, opts, await readFlagFiles(opts));
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const id = spec.id!;
  const client = await connectForCreate(globals, spec.constraints ?? []);
  try {
    const cid = await writeCidFile(opts.cidfile, id);
    if (opts.detach) {
      await client.request({ op: 'container.create', spec, start: true }).catch(async (error: unknown) => {
        await cid.settle(client);
        throw error;
      });
      process.stdout.write(`${id}\n`);
      return 0;
    }
    // Follow before the container exists, so that no output or event is missed.
    const follow = await followContainer(client.nc, { host: client.host, container: id, untilRemoved: spec.autoRemove }, printOutput);
    const forward = (signal: NodeJS.Signals) => {
      void client.request({ op: 'container.kill', ref: id, signal }).catch(() => {});
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    let undoTerminal = () => {};
    // raw before the container starts: what is typed early must not be echoed or line-buffered here
    if (spec.openStdin && spec.tty && process.stdin.isTTY) process.stdin.setRawMode(true);
    let conn: ShimConnection | null = null;
    try {
      await client.request({ op: 'container.create', spec, start: true });
      if (spec.openStdin || spec.tty) {
        conn = await ShimConnection.connect(client.layout.shimSocket(id));
        if (conn) {
          undoTerminal = attachTerminal(conn, { stdin: spec.openStdin ?? false, tty: spec.tty ?? false, detachKeys }, () => follow.detach());
        } else if (!follow.hasExited) {
          process.stderr.write(`berth: no attach socket at ${client.layout.shimSocket(id)}: stdin and window size are not forwarded (they work only on the daemon's machine)\n`);
        }
      }
    } catch (error) {
      // A start that failed under --rm: the removal is under way; let it finish first.
      if (follow.created && spec.autoRemove) await Promise.race([follow.removal, new Promise((resolve) => setTimeout(resolve, REMOVAL_WAIT_MS))]);
      follow.close();
      await cid.settle(client);
      throw error;
    }
    const end = await follow.ended;
    undoTerminal();
    await conn?.close();
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    follow.close();
    if (end.detached) return 0;
    return end.exitCode ?? 125;
  } finally {
    if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
    await client.close();
  }
}
