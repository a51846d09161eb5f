/**
 * The worker: every piece of kernel and file work a container or image needs, behind one
 * object whose operations take and return plain data. Each operation is idempotent, so a
 * retry after a crash is safe. Namespaces are entered only by the native shim.
 */
import fs from 'node:fs/promises';
import type { ContainerConfig } from '../events/container.js';
import type { ImageRecord } from '../events/image.js';
import { BerthError, ExecError } from '../events/errors.js';
import type { CgroupManager } from './cgroups/manager.js';
import { startShim, InitError } from './process/shim.js';
import { importRootfs } from './images/importer.js';
import { hexOf } from './images/digest.js';
import type { Layout } from './layout.js';
import { LogReader, readExit, watchContainer, type ExitStatus, type LogChunk, type Watch } from './containers/watch.js';

export interface Started {
  pid: number;
  shimPid: number;
}

/** What the kernel has for one container, for reconciliation. */
export interface KernelView {
  started: Started | null;
  alive: boolean;
  exit: ExitStatus | null;
}

const CGROUP_PARENT = 'berth';
const cgroupName = (id: string) => `${CGROUP_PARENT}/${id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Worker {
  constructor(
    private readonly layout: Layout,
    private readonly cgroups: CgroupManager,
  ) {}

  /** Creates the container's dirs and cgroup and starts it under a shim. */
  async startContainer(id: string, config: ContainerConfig, chainIds: string[]): Promise<Started> {
    const paths = this.layout.container(id);
    await Promise.all([paths.upper, paths.work, paths.merged].map((dir) => fs.mkdir(dir, { recursive: true, mode: 0o700 })));
    await Promise.all([paths.exit, paths.pid].map((file) => fs.rm(file, { force: true })));
    const { procsFiles } = await this.cgroups.create(cgroupName(id), {
      memoryBytes: config.memoryBytes,
      pidsLimit: config.pidsLimit,
    });
    try {
      return await startShim({
        id,
        lowerDirs: [...chainIds].reverse().map((chain) => this.layout.layer(hexOf(chain))),
        upperDir: paths.upper,
        workDir: paths.work,
        mergedDir: paths.merged,
        args: config.cmd,
        env: config.env,
        cwd: config.workingDir || '/',
        hostname: config.hostname,
        cgroupProcs: procsFiles,
        logPath: paths.log,
        exitPath: paths.exit,
        pidPath: paths.pid,
      });
    } catch (error) {
      await this.cgroups.remove(cgroupName(id)).catch(() => {});
      if (error instanceof InitError) {
        if (error.exitCode === 126 || error.exitCode === 127) throw new ExecError(error.message, error.exitCode);
        throw new BerthError(error.message, { cause: error });
      }
      throw error;
    }
  }

  /** At a clean shutdown: removes the parent cgroup when no container is left in it. */
  async close(): Promise<void> {
    await this.cgroups.removeIfEmpty(CGROUP_PARENT).catch(() => {});
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
    return watchContainer(this.layout.container(id), onChunk, (exit) => {
      void this.afterExit(id).then((oom) => onExit(exit, oom));
    });
  }

  /** Reads the OOM flag and deletes the cgroup once the container has exited. */
  private async afterExit(id: string): Promise<boolean> {
    const oom = await this.cgroups.oomKilled(cgroupName(id)).catch(() => false);
    await this.cgroups.remove(cgroupName(id)).catch(() => {});
    return oom;
  }

  /** What the kernel and the shim's files say about a container. */
  async inspect(id: string): Promise<KernelView> {
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
    const view = await this.inspect(id);
    const oomKilled = await this.cgroups.oomKilled(cgroupName(id)).catch(() => false);
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
    return exit && view.started ? { exit, oomKilled } : null;
  }

  /** Sends the log so far, and with `follow` what comes until the container exits. */
  streamLogs(id: string, follow: boolean, running: boolean, onChunk: (chunk: LogChunk) => void): Promise<void> {
    const paths = this.layout.container(id);
    if (follow && running) {
      return new Promise((resolve) => { watchContainer(paths, onChunk, () => resolve()); });
    }
    return new LogReader(paths.log).read().then((chunks) => chunks.forEach(onChunk));
  }

  importImage(file: string, tags: string[]): Promise<ImageRecord> {
    return importRootfs(this.layout, file, tags);
  }

  /** Deletes an image's config blob and the layers no other image uses. */
  async deleteImage(record: ImageRecord, chainsInUse: Set<string>): Promise<void> {
    await fs.rm(this.layout.blob(hexOf(record.configDigest)), { force: true });
    for (const chain of record.chainIds) {
      if (!chainsInUse.has(chain)) await fs.rm(this.layout.layer(hexOf(chain)), { recursive: true, force: true });
    }
  }
}
