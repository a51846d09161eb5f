/** `commit`: the container's upper dir becomes a layer over its image, recorded as a new image. */
import { openEnv } from '../../runtime/secrets/env.js';
import { ConflictError } from '../../events/errors.js';
import type { Request } from '../../events/requests.js';
import { parseChange } from '../../runtime/images/configChanges.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import type { Host } from '../host.js';
import { chainIdsOf, liveImages, resolveContainer } from '../resolve.js';
import type { RequestContext } from './context.js';
import { admitImage } from './image.js';
import { progressTo } from './progress.js';
import { hasProcess } from '../../events/containerStatus.js';

export const COMMIT_OPS: ReadonlySet<string> = new Set(['container.commit']);

type CommitRequest = Extract<Request, { op: 'container.commit' }>;

export class ContainerCommitHandler {
  constructor(private readonly host: Host) {}

  async handle(request: CommitRequest, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    const changes = request.changes.map(parseChange);
    const tags = request.reference ? [normalizeReference(request.reference)] : [];
    const container = resolveContainer(host, request.ref);
    const { status, config } = container.state;
    if (status === 'removing' || status === 'starting') throw new ConflictError(`container ${container.id.slice(0, 12)} is ${status}; try again in a moment`);
    chainIdsOf(host, container); // its image must still be there
    const parent = liveImages(host).find((i) => i.id === config!.image)!.state.record!;
    // Until the image is recorded, no image's files are deleted (actors/image/layerGate.ts).
    return host.layerGate.produce(async () => {
      const record = await host.worker.commit(container.id, parent, {
        cmd: config!.cmd,
        entrypoint: config!.entrypoint,
        env: openEnv(host.worker.secrets, config!),
        workingDir: config!.workingDir,
        user: config!.security?.user,
        labels: config!.labels,
        stopSignal: config!.stopSignal,
      }, {
        created: new Date().toISOString(), comment: request.comment, author: request.author, container: container.id, changes, ...(request.config ? { config: request.config } : {}), tags, progress: progressTo(ctx, request.progress),
      }, request.pause && hasProcess(status) && status !== 'paused');
      const image = await admitImage(host, 'Commit', record, ctx, 'commit');
      return { id: image.id };
    });
  }
}
