/** `info` and `system df`: counts from the actors, sizes and host facts from the worker. */
import type { Request } from '../../events/requests.js';
import type { DiskUsageView, InfoView } from '../../events/requests/system.js';
import { hostFacts } from '../../runtime/hostFacts.js';
import type { Host } from '../host.js';
import { liveContainers, liveImages } from '../resolve.js';
import { isRunning } from '../../events/containerStatus.js';
import { logDriverOf } from '../../events/logDrivers.js';

type SystemRequest = Extract<Request, { op: 'system.info' | 'system.df' }>;

export class SystemHandler {
  constructor(private readonly host: Host, private readonly version: string) {}

  async handle(request: SystemRequest): Promise<unknown> {
    return request.op === 'system.info' ? this.info() : this.diskUsage();
  }

  private async info(): Promise<InfoView> {
    const host = this.host;
    const containers = liveContainers(host).map((c) => c.state.status);
    const count = (which: (status: string) => boolean) => containers.filter(which).length;
    const facts = await hostFacts();
    return {
      id: host.id,
      name: facts.hostname,
      serverVersion: this.version,
      containers: containers.length,
      // Docker's: a paused container is counted as paused, not running.
      containersRunning: count((s) => isRunning(s) && s !== 'paused'),
      containersPaused: count((s) => s === 'paused'),
      containersStopped: count((s) => !isRunning(s)),
      images: liveImages(host).length,
      volumes: host.volumes.present().length,
      cgroupVersion: host.worker.cgroupVersion,
      kernelVersion: facts.kernelVersion,
      operatingSystem: facts.operatingSystem,
      architecture: facts.architecture,
      cpus: facts.cpus,
      memoryBytes: facts.memoryBytes,
      rootDir: host.worker.layout.root,
      runRoot: host.worker.layout.runRoot,
      pid: process.pid,
      configFile: host.settings.configFile,
      settingSources: host.settings.sources,
      loggingDriver: logDriverOf(host.settings.logConfig),
      ...(host.durability ? { durability: host.durability } : {}),
    };
  }

  private async diskUsage(): Promise<DiskUsageView> {
    const host = this.host;
    const images = liveImages(host);
    const containers = liveContainers(host);
    const layers: Record<string, number> = {};
    for (const chain of new Set(images.flatMap((i) => i.state.record!.chainIds))) layers[chain] = await host.worker.layerSize(chain);
    return {
      layers,
      images: images.map((i) => ({
        id: i.id, tags: i.state.tags, created: i.state.record!.created, chainIds: i.state.record!.chainIds,
        containers: containers.filter((c) => c.state.config?.image === i.id).length,
      })),
      containers: await Promise.all(containers.map(async (c) => ({
        id: c.id, name: c.state.config!.name, image: c.state.config!.imageRef, status: c.state.status,
        created: c.state.created, size: await host.worker.containerSize(c.id),
      }))),
      volumes: await Promise.all(host.volumes.present().map(async (v) => ({
        name: v.state.record!.name, size: await host.worker.volumes.size(v.state.record!.name), links: v.state.users.length,
      }))),
    };
  }
}
