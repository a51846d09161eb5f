/** Volume requests: create, list, inspect, remove and prune, as commands to volume actors. */
import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../events/errors.js';
import type { Request, VolumeView } from '../../events/requests.js';
import { VOLUME_NAME } from '../../events/volume.js';
import type { Host } from '../host.js';
import type { VolumeState } from '../volume/state.js';
import type { VolumeEntity } from '../volume/volumes.js';
import type { RequestContext } from './context.js';

type VolumeRequest = Extract<Request, { op: `volume.${string}` }>;

export function volumeView(host: Host, state: VolumeState): VolumeView {
  const record = state.record!;
  return {
    name: record.name,
    host: state.host,
    driver: record.driver,
    mountpoint: host.worker.volumes.dataPath(record.name),
    created: state.created,
    labels: record.labels,
    options: record.options,
    anonymous: record.anonymous,
    users: state.users,
  };
}

/** `k` or `k=v` against a volume's labels, as Docker's label filter reads them. */
export function matchesLabels(labels: Record<string, string>, filters: string[]): boolean {
  return filters.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq === -1) return filter in labels;
    return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

export class VolumeHandler {
  constructor(private readonly host: Host) {}

  async handle(request: VolumeRequest, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    switch (request.op) {
      case 'volume.create': {
        const anonymous = request.name === undefined;
        const name = request.name ?? randomBytes(32).toString('hex');
        if (!VOLUME_NAME.test(name)) {
          throw new ValidationError(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
        }
        for (const key of Object.keys(request.options)) {
          // The local driver without a mount type takes no options (Docker: type, device, o).
          if (!['type', 'device', 'o'].includes(key)) throw new ValidationError(`invalid option key: "${key}"`);
        }
        if (Object.keys(request.options).length > 0) {
          throw new ValidationError('volume options (type, device, o) are not supported yet: berth volumes are plain directories');
        }
        const volume = host.volumes.byName(name);
        if (volume.state.status !== 'present') await host.worker.volumes.create(name);
        await volume.execute({ type: 'Create', record: { name, driver: 'local', labels: request.labels, options: request.options, anonymous } }, meta('create'));
        return volumeView(host, volume.state);
      }
      case 'volume.list':
        return host.volumes.present().map((v) => volumeView(host, v.state)).sort((a, b) => a.name.localeCompare(b.name));
      case 'volume.inspect':
        return volumeView(host, this.resolve(request.name).state);
      case 'volume.remove': {
        const volume = this.resolve(request.name);
        await volume.execute({ type: 'Remove', force: request.force }, meta('remove'));
        // The machine's effect deletes the data too; the reply waits until it is out of volumes/.
        await host.worker.volumes.remove(request.name);
        return { name: request.name };
      }
      case 'volume.prune': {
        const removed: string[] = [];
        let reclaimedBytes = 0;
        for (const volume of host.volumes.present()) {
          const { record, users } = volume.state;
          if (users.length > 0 || (!request.all && !record!.anonymous) || !matchesLabels(record!.labels, request.labels)) continue;
          const size = await host.worker.volumes.size(record!.name);
          try {
            await volume.execute({ type: 'Remove', force: false }, meta(`prune.${record!.name}`));
          } catch (error) {
            if (error instanceof ConflictError || error instanceof NotFoundError) continue; // a container took it, or it went, meanwhile
            throw error;
          }
          await host.worker.volumes.remove(record!.name);
          removed.push(record!.name);
          reclaimedBytes += size;
        }
        return { removed, reclaimedBytes };
      }
    }
  }

  private resolve(name: string): VolumeEntity {
    const volume = this.host.volumes.byName(name);
    if (volume.state.status !== 'present') throw new NotFoundError(`get ${name}: no such volume`);
    return volume;
  }
}
