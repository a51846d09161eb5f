/** `cp`: the container's side, on its root as the worker reaches it (running or not). */
import { ConflictError } from '../../events/errors.js';
import type { Request } from '../../events/requests.js';
import { copyIn, copyOut } from '../../runtime/containers/copy.js';
import type { ContainerEntity, Host } from '../host.js';
import { chainIdsOf, resolveContainer } from '../resolve.js';
import { hasProcess } from '../../events/containerStatus.js';

export const COPY_OPS: ReadonlySet<string> = new Set(['container.copyFrom', 'container.copyTo']);

type CopyRequest = Extract<Request, { op: 'container.copyFrom' | 'container.copyTo' }>;


export class ContainerCopyHandler {
  constructor(private readonly host: Host) {}

  private onRoot<T>(container: ContainerEntity, work: (root: string) => Promise<T>): Promise<T> {
    const { status, pid, config } = container.state;
    if (status === 'removing' || status === 'starting') throw new ConflictError(`container ${container.id.slice(0, 12)} is ${status}; try again in a moment`);
    const running = hasProcess(status) && pid ? { pid, paused: status === 'paused' } : null;
    return this.host.worker.withContainerRoot(container.id, config!, chainIdsOf(this.host, container), running, work);
  }

  async handle(request: CopyRequest): Promise<unknown> {
    const container = resolveContainer(this.host, request.ref);
    switch (request.op) {
      case 'container.copyFrom':
        return this.onRoot(container, (root) => copyOut(root, request.path, request.follow, request.file));
      case 'container.copyTo':
        return this.onRoot(container, (root) => copyIn(root, request.path, request.file, request.source, request.owners, {
          root: container.state.config?.security?.readOnly ?? false,
          mounts: container.state.config?.mounts ?? [],
        }, container.state.config?.userns));
    }
  }
}
