/**
 * The worker: every piece of kernel and file work a container or image needs, behind one
 * object whose operations take and return plain data. Each operation is idempotent, so a
 * retry after a crash is safe. Namespaces are entered only by the native shim.
 */
import { mapText } from '../events/userNamespace.js';
import { SecretBox } from './secrets/secretBox.js';
import { mergeEnv, openEnv } from './secrets/env.js';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { ContainerConfig } from '../events/container.js';
import os from 'node:os';
import type { ImageRecord } from '../events/image.js';
import { BerthError, ExecError, InitError } from '../events/errors.js';
import type { CgroupManager, CgroupStats, Limits } from './cgroups/manager.js';
import type { ExecConfig } from '../events/containerRuntime.js';
import { startExec, type RunningExec } from './process/exec.js';
import { listProcesses, type ProcessRow } from './containers/top.js';
import { startShim } from './process/shim.js';
import { initProcess } from './process/initProcess.js';
import { importRootfs, type ImportOptions } from './images/importer.js';
import { commitContainer, type CommitRequest } from './images/commit.js';
import type { ContainerRunConfig } from './images/commitConfig.js';
import { ImageStore } from './images/store.js';
import { BuildStore } from './build/buildStore.js';
import { hexOf } from './images/digest.js';
import { layerSize } from './images/layerStore.js';
import { treeSize } from './diskUsage.js';
import { exportRootfs, mergedTree, upperChanges, type Change } from './containers/rootfs.js';
import type { ContainerPaths, Layout } from './layout.js';
import { holdRootfs } from './process/rootfsHold.js';
import { securitySpec } from './security/profile.js';
import { deviceRules } from './security/devices.js';
import { shimMounts } from './volumes/shimMounts.js';
import { VolumeStore } from './volumes/store.js';
import { readExit, watchContainer, type ExitStatus, type LogChunk, type Watch } from './containers/watch.js';
import { LogReader, type LogSource } from './containers/logReader.js';
import { CompressedLogReader } from './containers/compressedLogReader.js';
import { checkJournal, journalFields, journalSocket } from './containers/journal.js';
import { JournalReader } from './containers/journalReader.js';
import { jsonFileAttributes } from '../events/logAttributes.js';
import { logStorageOf } from '../events/logDrivers.js';
import type { LogConfig } from '../events/hostConfig.js';
import { isAlive } from './processes.js';
import { removeLeftoverCgroups, type CgroupVerdict } from './cgroups/leftovers.js';
import type { Logger } from '../log/logger.js';
import { rewriteHostsFile, shimEntries, writeNameFiles, type ContainerNetwork } from './network/containerNetwork.js';
import { closeSpawners } from './process/shimSpawner.js';
import type { NameSettings } from './network/containerFiles.js';

export interface Started {
  pid: number;
  shimPid: number;
  /**
   * When the shim was asked to start it (ms since the epoch), so no output of the process is
   * older: State.StartedAt, which a `logs --since` (testcontainers' restart) takes as its start.
   */
  at?: number;
}

/** What the kernel has for one container, for reconciliation. */
export interface KernelView {
  started: Started | null;
  alive: boolean;
  exit: ExitStatus | null;
  /** Its cgroup is frozen (paused, or left frozen by a daemon that died during a `cp`). */
  frozen: boolean;
  /** No pid file yet, but its shim still sets it up (a long copy-up): the start may yet succeed. */
  settingUp: boolean;
}

/** Whether the shim named in `<pid file>.starting` (main.c) still runs: a berth-shim of that pid. */
async function shimSettingUp(pidFile: string): Promise<boolean> {
  const shimPid = Number((await fs.readFile(`${pidFile}.starting`, 'utf8').catch(() => '')).trim());
  if (!shimPid || !isAlive(shimPid)) return false;
  // Not some other process that took the pid after a reboot.
  return (await fs.readFile(`/proc/${shimPid}/comm`, 'utf8').catch(() => '')).trim() === 'berth-shim';
}

const CGROUP_PARENT = 'berth';
const cgroupName = (id: string) => `${CGROUP_PARENT}/${id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/** The cgroup limits a container's config asks for. */
function limitsOf(config: ContainerConfig): Limits {
  return { memoryBytes: config.memoryBytes, pidsLimit: config.pidsLimit, ...config.resources, devices: deviceRules(config.security) };
}

export class Worker {
  /** Volumes on disk (runtime/volumes/store.ts). */
  readonly volumes: VolumeStore;

  constructor(
    /** Where the data root and run root are. */
    readonly layout: Layout,
    private readonly cgroups: CgroupManager,
    /** Where failures that no caller waits for are logged (a cgroup left behind). */
    private readonly log: Logger,
    /** Opens the environment sealed to this host (runtime/secrets/secretBox.ts). */
    readonly secrets: SecretBox,
  ) {
    this.volumes = new VolumeStore(layout);
  }

  /** The dirs the container's root is made of (a container never started has none yet). */
  private async rootDirs(id: string): Promise<ContainerPaths> {
    const paths = this.layout.container(id);
    await Promise.all([paths.upper, paths.work, paths.merged].map((dir) => fs.mkdir(dir, { recursive: true, mode: 0o700 })));
    // the upper dir's mode is the container's / (the container dir above it stays 0700)
    await fs.chmod(paths.upper, 0o755);
    return paths;
  }

  /** Creates the container's dirs and cgroup and starts it under a shim. */
  async startContainer(id: string, config: ContainerConfig, chainIds: string[], network?: ContainerNetwork): Promise<Started> {
    const paths = await this.rootDirs(id);
    const storage = logStorageOf(config.logConfig);
    if (storage.journald) checkJournal();
    await Promise.all([paths.exit, paths.pid, paths.spool].map((file) => fs.rm(file, { force: true })));
    await fs.mkdir(this.layout.shimSocketsDir, { recursive: true, mode: 0o700 });
    // Everything from the cgroup's creation on is undone on failure: a limit the kernel refuses
    // (an offline --cpuset-cpus, a --memory below the usage) fails after the dirs are made, and
    // those dirs were left behind in every v1 hierarchy.
    try {
      // The name files are written while the cgroup is made: neither needs the other. Both are
      // waited for before a failure is handled, so that the undo below finds the cgroup whole.
      const [cgroup, names] = await Promise.allSettled([
        this.cgroups.create(cgroupName(id), limitsOf(config)),
        network ? writeNameFiles(paths.dir, network) : Promise.resolve([]),
      ]);
      if (cgroup.status === 'rejected') throw cgroup.reason;
      if (names.status === 'rejected') throw names.reason;
      const { procsFiles } = cgroup.value;
      const mounts = [...names.value, ...shimMounts(this.layout, config.mounts)];
      let args = config.cmd;
      if (config.init) {
        const init = initProcess(config.cmd);
        args = init.args;
        mounts.push(init.mount);
      }
      const env = openEnv(this.secrets, config);
      const attrs = storage.file === 'log' ? jsonFileAttributes(id, config, env, os.hostname()) : {};
      const at = Date.now();
      const started = await startShim({
        id,
        lowerDirs: [...chainIds].reverse().map((chain) => this.layout.layer(hexOf(chain))),
        upperDir: paths.upper,
        workDir: paths.work,
        mergedDir: paths.merged,
        args,
        env,
        cwd: config.workingDir || '/',
        hostname: config.hostname,
        cgroupProcs: procsFiles,
        logPath: storage.file === 'spool' ? paths.spool : paths.log,
        logMaxSize: storage.maxSizeBytes,
        logMaxFiles: storage.maxFiles,
        ...(storage.compress ? { logCompress: true } : {}),
        ...(Object.keys(attrs).length ? { logAttrs: JSON.stringify(attrs) } : {}),
        ...(storage.journald ? { journalSocket: journalSocket(), journalFields: journalFields(id, config, env) } : {}),
        exitPath: paths.exit,
        pidPath: paths.pid,
        security: securitySpec(config.security),
        mounts,
        stdin: config.openStdin ?? false,
        tty: config.tty ?? false,
        sockPath: this.layout.shimSocket(id),
        ...(network && network.joinPid === undefined ? { networks: shimEntries(network) } : {}),
        ...(network?.joinPid !== undefined ? { joinNetns: `/proc/${network.joinPid}/ns/net` } : {}),
        ...(config.userns ? { uidMap: mapText(config.userns.uidMap), gidMap: mapText(config.userns.gidMap) } : {}),
      });
      return { ...started, at };
    } catch (error) {
      await this.cgroups.remove(cgroupName(id)).catch((removal: Error) => this.cgroupLeft(id, removal));
      if (error instanceof InitError && (error.exitCode === 126 || error.exitCode === 127)) throw new ExecError(error.message, error.exitCode, { cause: error });
      throw error;
    }
  }

  /** A running container's /etc/hosts, rewritten after a live network connect or disconnect. */
  async rewriteHosts(id: string, names: NameSettings): Promise<void> {
    await rewriteHostsFile(this.layout.container(id).dir, names);
  }

  /** At a clean shutdown: ends the shim spawner, and removes the parent cgroup when no container is left in it. */
  async close(): Promise<void> {
    closeSpawners();
    await this.cgroups.removeIfEmpty(CGROUP_PARENT).catch((error: Error) => this.log.warn('removing the parent cgroup failed', { cgroup: CGROUP_PARENT, error }));
  }

  /** Undoes a start that never finished: kills whatever is in its cgroup and deletes it. */
  async discardStart(id: string): Promise<void> {
    await this.cgroups.remove(cgroupName(id));
    const paths = this.layout.container(id);
    await Promise.all([paths.pid, paths.exit].map((file) => fs.rm(file, { force: true })));
  }

  /** Writes changed limits into a running container's cgroup (create is idempotent). */
  async updateLimits(id: string, config: ContainerConfig): Promise<void> {
    await this.cgroups.create(cgroupName(id), limitsOf(config));
  }

  /** Freezes every process of the container; resolves once the kernel reports them frozen. */
  pause(id: string): Promise<void> {
    return this.cgroups.freeze(cgroupName(id));
  }

  unpause(id: string): Promise<void> {
    return this.cgroups.thaw(cgroupName(id));
  }

  /**
   * Ends a frozen container without letting it run again: SIGKILL to each of its processes
   * while they are frozen, then the thaw, at which each dies before running any of its code
   * (a fatal signal is taken on the way back to user space). A self-fenced duplicate goes this way.
   */
  async killFrozen(id: string): Promise<void> {
    for (const pid of await this.cgroups.pids(cgroupName(id))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    await this.cgroups.thaw(cgroupName(id));
  }

  /** Memory, CPU, pids and io counters of a running container. */
  stats(id: string): Promise<CgroupStats> {
    return this.cgroups.stats(cgroupName(id));
  }

  /** The container's processes. */
  async top(id: string): Promise<ProcessRow[]> {
    return listProcesses(await this.cgroups.pids(cgroupName(id)));
  }

  /** Runs one more process in the running container `id` (init pid `pid`), under its security settings. */
  exec(id: string, pid: number, config: ContainerConfig, exec: ExecConfig, onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void): RunningExec {
    const security = {
      ...config.security,
      ...(exec.user ? { user: exec.user } : {}),
      // as Docker's exec --privileged: every capability, the container's other settings kept
      ...(exec.privileged ? { capAdd: ['ALL'], capDrop: [] } : {}),
    };
    return startExec({
      pid,
      args: exec.cmd,
      env: mergeEnv(openEnv(this.secrets, config), openEnv(this.secrets, exec)),
      cwd: exec.workingDir || config.workingDir || '/',
      cgroupProcs: this.cgroups.procsFiles(cgroupName(id)),
      security: securitySpec(security),
      ...(exec.openStdin ? { stdin: true } : {}),
      ...(exec.tty ? { tty: true } : {}),
      ...(exec.openStdin || exec.tty ? { sockPath: this.layout.execSocket(exec.execId) } : {}),
    }, onOutput);
  }

  /** Sends a signal to the container's init; a process already gone is not an error. */
  signal(pid: number, signal: number): void {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /** Follows output and exit. The exit callback also gets whether the OOM killer struck. */
  watch(id: string, onChunk: (chunk: LogChunk) => void, onExit: (exit: ExitStatus, oomKilled: boolean) => void): Watch {
    const paths = this.layout.container(id);
    // none and journald: the shim writes the output to the spool only (never both files).
    const spooled = existsSync(paths.spool);
    return watchContainer(paths, onChunk, (exit) => {
      // The spool has been read to its end: nothing of a none or journald container's output
      // stays. Removed before the exit is reported, so never after a restart made a new one.
      const removed = spooled ? fs.rm(paths.spool, { force: true }).catch(() => {}) : Promise.resolve();
      void removed.then(() => this.afterExit(id)).then((oom) => onExit(exit, oom));
    }, new LogReader(spooled ? paths.spool : paths.log));
  }

  /** Refuses a log driver that cannot work here (journald without journald). */
  checkLogDriver(config: LogConfig): void {
    if (logStorageOf(config).journald) checkJournal();
  }

  /** Reads the OOM flag and deletes the cgroup once the container has exited. */
  private async afterExit(id: string): Promise<boolean> {
    const oom = await this.oomKilled(id);
    await this.cgroups.remove(cgroupName(id)).catch((error: Error) => this.cgroupLeft(id, error));
    return oom;
  }

  /** Whether the OOM killer struck; a failed read is logged and taken as no. */
  private oomKilled(id: string): Promise<boolean> {
    return this.cgroups.oomKilled(cgroupName(id)).catch((error: Error) => {
      this.log.warn('reading the OOM flag failed; taken as not killed', { container: id.slice(0, 12), error });
      return false;
    });
  }

  /** A cgroup removal failed: logged with its errno; reconciliation tries it again (sweepCgroups). */
  private cgroupLeft(id: string, error: Error): void {
    this.log.warn('removing the container\'s cgroup failed; reconciliation tries again', { container: id.slice(0, 12), error });
  }

  /**
   * Reconciliation of cgroups: removes every container cgroup that `verdict` does not keep (one
   * a removal, a crash or a failed retry left). Returns the cgroups removed.
   */
  sweepCgroups(verdict: (id: string) => CgroupVerdict): Promise<string[]> {
    return removeLeftoverCgroups(this.cgroups, CGROUP_PARENT, verdict, this.log);
  }

  /** What the kernel and the shim's files say about a container (reconciliation's view). */
  async inspect(id: string): Promise<KernelView> {
    const { started, alive, exit } = await this.processOf(id);
    // frozen() reads a missing cgroup as not frozen; another failure is noted and read the same.
    const frozen = alive && (await this.cgroups.frozen(cgroupName(id)).catch((error: Error) => {
      this.log.warn('reading the freezer failed', { container: id.slice(0, 12), error });
      return false;
    }));
    return { started, alive, exit, frozen, settingUp: !started && !exit && (await shimSettingUp(this.layout.container(id).pid)) };
  }

  /** The container's process as the shim's pid and exit files say, and whether it still runs. */
  private async processOf(id: string): Promise<Pick<KernelView, 'started' | 'alive' | 'exit'>> {
    const paths = this.layout.container(id);
    const exit = await readExit(paths);
    const text = await fs.readFile(paths.pid, 'utf8').catch(() => '');
    const [pid, shimPid] = text.trim().split(/\s+/).map(Number);
    const started = pid && shimPid ? { pid, shimPid } : null;
    return { started, alive: started !== null && exit === null && isAlive(started.pid), exit };
  }

  /** Kills whatever still runs, deletes the cgroup and the container's dirs. Returns the exit, if the process had one. */
  async removeContainer(id: string): Promise<{ exit: ExitStatus; oomKilled: boolean } | null> {
    const paths = this.layout.container(id);
    const view = await this.processOf(id);
    const oomKilled = await this.oomKilled(id);
    await this.cgroups.remove(cgroupName(id));
    let exit = view.exit;
    if (view.started && !exit) {
      // The cgroup removal killed the process; the shim records the exit in a moment.
      for (let i = 0; i < 100 && !exit; i++) {
        await sleep(20);
        exit = await readExit(paths);
      }
      exit ??= { exitCode: 137, signal: 9, time: new Date().toISOString() };
    }
    await fs.rm(paths.dir, { recursive: true, force: true });
    await fs.rm(this.layout.shimSocket(id), { force: true });
    return exit && view.started ? { exit, oomKilled } : null;
  }

  /** A reader of the container's whole log (`logs`): the rotated files first, gzipped ones with compression; journald's from the journal. */
  logReader(id: string, config?: LogConfig): LogSource {
    const file = this.layout.container(id).log;
    const storage = logStorageOf(config);
    if (storage.journald) return new JournalReader(id, journalSocket());
    return storage.compress ? new CompressedLogReader(file) : new LogReader(file, { history: true });
  }

  /** Follows the log from where `reader` is until the container exits; the reader is closed then. */
  followLogs(id: string, reader: LogSource, onChunk: (chunk: LogChunk) => void): Promise<void> {
    return new Promise((resolve) => { watchContainer(this.layout.container(id), onChunk, () => resolve(), reader); });
  }

  /** `export`: the merged root filesystem of `id` over its image's layers (bottom first), as a tar at `file`. */
  exportRootfs(id: string, chainIds: string[], file: string): Promise<void> {
    return exportRootfs(chainIds.map((chain) => this.layout.layer(hexOf(chain))), this.layout.container(id).upper, file);
  }

  /** `diff`: what the container's upper dir added, changed and deleted over its image's layers. */
  async diffRootfs(id: string, chainIds: string[]): Promise<Change[]> {
    const lower = await mergedTree(chainIds.map((chain) => this.layout.layer(hexOf(chain))), null);
    return upperChanges(lower, this.layout.container(id).upper);
  }

  /**
   * `commit`: the upper dir of `id` as a new layer over `parent`, and the image config that
   * records it; with `freeze` the container is frozen while the layer's tar is written.
   */
  commit(id: string, parent: ImageRecord, container: ContainerRunConfig, request: CommitRequest, freeze: boolean): Promise<ImageRecord> {
    return commitContainer(this.layout, parent, this.layout.container(id).upper, container, request, (work) => this.whileFrozen(id, freeze, work));
  }

  /** Runs `work` with the container's cgroup frozen (when `freeze`), thawed again after. */
  private async whileFrozen<T>(id: string, freeze: boolean, work: () => Promise<T>): Promise<T> {
    if (!freeze) return work();
    await this.pause(id);
    try {
      return await work();
    } finally {
      await this.unpause(id);
    }
  }

  /**
   * Runs `work` on a host path that reaches the container's root with its mounts: its init's
   * /proc root while it runs (frozen meanwhile, unless paused already, so that nothing in it can
   * swap a link under the copy), or a mount namespace of its own while it does not.
   */
  async withContainerRoot<T>(id: string, config: ContainerConfig, chainIds: string[], running: { pid: number; paused: boolean } | null, work: (root: string) => Promise<T>): Promise<T> {
    if (running) return this.whileFrozen(id, !running.paused, () => work(`/proc/${running.pid}/root`));
    const paths = await this.rootDirs(id);
    const held = await holdRootfs({
      id, args: ['cp'], env: [], cwd: '/', hostname: '', cgroupProcs: [], logPath: paths.log, exitPath: paths.exit, pidPath: paths.pid,
      lowerDirs: [...chainIds].reverse().map((chain) => this.layout.layer(hexOf(chain))),
      upperDir: paths.upper, workDir: paths.work, mergedDir: paths.merged,
      mounts: shimMounts(this.layout, config.mounts),
    }).catch((error: unknown) => {
      throw error instanceof InitError ? new BerthError(`cannot mount the root of container ${id.slice(0, 12)}: ${error.message}`, { cause: error }) : error;
    });
    try {
      return await work(held.root);
    } finally {
      await held.release();
    }
  }

  /** The cgroup version containers run under. */
  get cgroupVersion(): '1' | '2' {
    return this.cgroups.mode === 'v2' ? '2' : '1';
  }

  /** Bytes a container wrote (its upper dir). */
  containerSize(id: string): Promise<number> {
    return treeSize(this.layout.container(id).upper);
  }

  /** Bytes of an unpacked layer. */
  layerSize(chainId: string): Promise<number> {
    return layerSize(this.layout, chainId);
  }

  /** Registry and archive operations on the image store (runtime/images/store.ts). */
  get images(): ImageStore {
    return new ImageStore(this.layout);
  }

  /** The builder's store operations (runtime/build/buildStore.ts). */
  get builds(): BuildStore {
    return new BuildStore(this.layout);
  }

  importImage(file: string, tags: string[], options: ImportOptions): Promise<ImageRecord> {
    return importRootfs(this.layout, file, tags, options);
  }

  /** Deletes an image's config blob (unless `configKept`: the image was recorded again) and the layers no image uses. */
  async deleteImage(record: ImageRecord, chainsInUse: Set<string>, configKept = false): Promise<void> {
    if (!configKept) await fs.rm(this.layout.blob(hexOf(record.configDigest)), { force: true });
    for (const chain of record.chainIds) {
      if (!chainsInUse.has(chain)) await fs.rm(this.layout.layer(hexOf(chain)), { recursive: true, force: true });
    }
  }
}
