/**
 * A worker that touches no kernel, for unit tests of the actors: containers "run" as entries in
 * a map, volumes are names in a set. It records what it was asked; a member it does not fake
 * throws, naming itself, so a test never passes through a path it did not mean to.
 */
import { SecretBox } from '../../runtime/secrets/secretBox.js';
import type { ContainerConfig } from '../../events/container.js';
import type { ExitStatus } from '../../runtime/containers/watch.js';
import type { KernelView, Started } from '../../runtime/worker.js';
import type { WorkerContract } from '../../runtime/workerContract.js';

interface Running {
  started: Started;
  alive: boolean;
  exit: ExitStatus | null;
  onExit?: (exit: ExitStatus, oomKilled: boolean) => void;
}

export class FakeKernel {
  /** What was asked, in order: `start <id>`, `remove <id>`, `volume create <name>`… */
  readonly calls: string[] = [];
  readonly containers = new Map<string, Running>();
  readonly volumes = new Set<string>();
  /** The containers whose cgroup is frozen. */
  readonly frozen = new Set<string>();
  /** When set, removeContainer fails with it (a cgroup that would not go). */
  removalError: Error | null = null;
  private nextPid = 1000;

  /** The process of `id` ends with `exitCode`, as the shim would report it. */
  exit(id: string, exitCode: number, signal: number | null = null): void {
    const running = this.containers.get(id);
    if (!running?.alive) throw new Error(`container ${id} is not running in the fake kernel`);
    running.alive = false;
    running.exit = { exitCode, signal, time: new Date().toISOString() };
    running.onExit?.(running.exit, false);
  }

  /** The fake, as the actors see a worker. */
  worker(): WorkerContract {
    const kernel = this;
    const faked: Partial<WorkerContract> = {
      async startContainer(id: string, _config: ContainerConfig, chainIds: string[]): Promise<Started> {
        kernel.calls.push(`start ${id} on ${chainIds.join(',')}`);
        const started = { pid: kernel.nextPid++, shimPid: kernel.nextPid++ };
        kernel.containers.set(id, { started, alive: true, exit: null });
        return started;
      },
      watch(id, _onChunk, onExit) {
        const running = kernel.containers.get(id);
        if (running) running.onExit = onExit;
        return { stop: () => { if (running) running.onExit = undefined; } };
      },
      signal(pid: number, signal: number) {
        kernel.calls.push(`signal ${pid} ${signal}`);
        const [id] = [...kernel.containers].find(([, r]) => r.started.pid === pid && r.alive) ?? [];
        // A frozen process takes no signal until it is thawed (the fake keeps none pending).
        if (id && !kernel.frozen.has(id)) kernel.exit(id, 128 + signal, signal);
      },
      async inspect(id: string): Promise<KernelView> {
        const running = kernel.containers.get(id);
        return { started: running?.started ?? null, alive: running?.alive ?? false, exit: running?.exit ?? null, frozen: kernel.frozen.has(id), settingUp: false };
      },
      async pause(id: string) {
        kernel.calls.push(`pause ${id}`);
        kernel.frozen.add(id);
      },
      async unpause(id: string) {
        kernel.calls.push(`unpause ${id}`);
        kernel.frozen.delete(id);
      },
      async killFrozen(id: string) {
        kernel.calls.push(`kill frozen ${id}`);
        kernel.frozen.delete(id);
        if (kernel.containers.get(id)?.alive) kernel.exit(id, 137, 9);
      },
      async removeContainer(id: string) {
        kernel.calls.push(`remove ${id}`);
        if (kernel.removalError) throw kernel.removalError;
        const running = kernel.containers.get(id);
        kernel.containers.delete(id);
        if (!running?.alive) return null;
        return { exit: { exitCode: 137, signal: 9, time: new Date().toISOString() }, oomKilled: false };
      },
      async discardStart(id: string) {
        kernel.calls.push(`discard ${id}`);
      },
      async deleteImage(record) {
        kernel.calls.push(`delete image ${record.configDigest}`);
      },
      async close() {},
      // No cgroups here: nothing is ever left to sweep.
      async sweepCgroups() { return []; },
      secrets: SecretBox.ephemeral(),
      volumes: {
        async create(name: string) { kernel.calls.push(`volume create ${name}`); kernel.volumes.add(name); return `/fake/volumes/${name}`; },
        dataPath: (name: string) => `/fake/volumes/${name}`,
        async exists(name: string) { return kernel.volumes.has(name); },
        async remove(name: string) { kernel.calls.push(`volume remove ${name}`); kernel.volumes.delete(name); },
        async size() { return 0; },
        async names() { return [...kernel.volumes]; },
        async sweep() {},
      } as unknown as WorkerContract['volumes'],
    };
    return new Proxy(faked as WorkerContract, {
      get(target, member) {
        if (member in target) return target[member as keyof WorkerContract];
        throw new Error(`the fake worker has no ${String(member)}`);
      },
    });
  }
}
