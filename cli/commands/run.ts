/**
 * `berth run`: create and start in one request, then follow the container's output and events
 * until it exits (or print its id with -d). Exits with the container's exit code.
 */
import type { CreateSpec } from '../../events/requests.js';
import { followContainer } from '../../client/followContainer.js';
import { buildCreateRequest, type CreateOptions } from '../../client/createOptions.js';
import { parseHealthFlags, type HealthFlags } from '../healthFlags.js';
import { parseNetworkFlags, type NetworkFlags } from '../networkFlags.js';
import { connectForCreate, type GlobalOptions } from '../client.js';
import { parseMountFlags, parseVolumesFrom } from '../../client/mounts.js';
import { parseHostConfig, parseUsernsMode, type HostConfigFlags } from '../hostConfigFlags.js';
import { parseLogOpts } from '../logOptions.js';
import { parseBytes, parseConstraints, parseEnv, parsePairs, parsePositiveInt, parseRestartPolicy } from '../parse.js';
import { ShimConnection } from '../../client/shimConnection.js';
import { attachTerminal } from '../shimAttach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detachKeys.js';
import { writeCidFile } from '../cidFile.js';
import { parseSignal } from '../../runtime/signals.js';
import { readFlagFiles } from '../flagFiles.js';
import { printOutput, printWarnings } from '../output.js';

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
  /** -v, --mount, --tmpfs and --volumes-from (client/mounts.ts). */
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  volumesFrom?: string[];
  restart?: string;
  /** -i: keep stdin open and forward it; -t: a pty (client/shimConnection.ts, cli/shimAttach.ts). */
  interactive?: boolean;
  tty?: boolean;
  /** --detach-keys (cli/detachKeys.ts). */
  detachKeys?: string;
  /** --init: berth-init as pid 1. */
  init?: boolean;
  /** --log-driver and --log-opt max-size=…, max-file=… (cli/logOptions.ts). */
  logDriver?: string;
  logOpt?: string[];
  /** --env-file, --label-file (cli/flagFiles.ts) and --cidfile (cli/cidFile.ts). */
  stopSignal?: string;
  /** --entrypoint: replaces the image's ENTRYPOINT ('' clears it). */
  entrypoint?: string;
  envFile?: string[];
  labelFile?: string[];
  cidfile?: string;
}

export type RunFlags = RunOptions & HealthFlags & NetworkFlags;

/**
 * The flags as typed create options (client/createOptions.ts). Pure but for reading the
 * environment for -e VAR; `files` are the entries of --env-file and --label-file, which the
 * flags override.
 */
export function createOptions(image: string, command: string[], opts: RunFlags, files: { env: string[]; labels: string[] } = { env: [], labels: [] }): CreateOptions {
  const memoryBytes = opts.memory === undefined ? undefined : parseBytes(opts.memory, '--memory');
  return {
    image,
    cmd: command,
    ...(opts.entrypoint !== undefined ? { entrypoint: opts.entrypoint === '' ? [] : [opts.entrypoint] } : {}),
    name: opts.name,
    env: [...files.env, ...parseEnv(opts.env)],
    labels: Object.fromEntries(parsePairs([...files.labels, ...opts.label], '--label')),
    workingDir: opts.workdir,
    hostname: opts.hostname,
    ...(opts.interactive ? { openStdin: true } : {}),
    ...(opts.tty ? { tty: true } : {}),
    ...(opts.stopSignal !== undefined ? { stopSignal: parseSignal(opts.stopSignal).name } : {}),
    health: parseHealthFlags(opts),
    memoryBytes,
    pidsLimit: opts.pidsLimit === undefined ? undefined : parsePositiveInt(opts.pidsLimit, '--pids-limit'),
    autoRemove: opts.rm ?? false,
    restartPolicy: opts.restart === undefined ? undefined : parseRestartPolicy(opts.restart),
    mounts: parseMountFlags(opts),
    volumesFrom: (opts.volumesFrom ?? []).map(parseVolumesFrom),
    ...parseHostConfig(opts, memoryBytes),
    ...parseUsernsMode(opts.userns),
    logConfig: parseLogOpts(opts.logOpt ?? [], opts.logDriver),
    ...(opts.init ? { init: true } : {}),
    constraints: parseConstraints(opts.constraint ?? []),
    ...parseNetworkFlags(opts),
  };
}

/** The create request of `run` and `create`: the flags as options, checked. */
export function createSpec(image: string, command: string[], opts: RunFlags, files?: { env: string[]; labels: string[] }): CreateSpec {
  return buildCreateRequest(createOptions(image, command, opts, files));
}

export default async function run(image: string, command: string[], opts: RunFlags, globals: GlobalOptions): Promise<number> {
  const spec = createSpec(image, command, opts, await readFlagFiles(opts));
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const id = spec.id!;
  const client = await connectForCreate(globals, spec.constraints ?? []);
  try {
    const cid = await writeCidFile(opts.cidfile, id);
    if (opts.detach) {
      const created = await client.request({ op: 'container.create', spec, start: true }).catch(async (error: unknown) => {
        await cid.settle(client);
        throw error;
      });
      printWarnings(created.warnings);
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
      printWarnings((await client.request({ op: 'container.create', spec, start: true })).warnings);
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
      // The timer is cleared once the removal is seen: left running, it kept the command 5 s past it.
      let giveUp: NodeJS.Timeout | undefined;
      if (follow.created && spec.autoRemove) await Promise.race([follow.removal, new Promise((resolve) => { giveUp = setTimeout(resolve, REMOVAL_WAIT_MS); })]);
      clearTimeout(giveUp);
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
