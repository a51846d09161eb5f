/** `build`: the context tar unpacked, the Dockerfile planned, the plan run on this host (actors/build/). */
import type { Request } from '../../events/requests.js';
import { planBuild } from '../../runtime/build/plan.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import type { Host } from '../host.js';
import { BuildExecutor } from '../build/execute.js';
import { HostBuildEffects } from '../build/hostEffects.js';
import type { RequestContext } from './context.js';

export const BUILD_OPS: ReadonlySet<string> = new Set(['image.build']);

type BuildRequest = Extract<Request, { op: 'image.build' }>;

export class BuildHandler {
  constructor(private readonly host: Host) {}

  async handle(request: BuildRequest, ctx: RequestContext): Promise<{ id: string; tags: string[] }> {
    const builds = this.host.worker.builds;
    const options = { ...request.options, tags: request.options.tags.map(normalizeReference) };
    const work = await builds.workDir();
    try {
      const context = await builds.unpackContext(request.context, work);
      const text = options.dockerfileText ?? await builds.contextFile(context, options.dockerfile ?? 'Dockerfile');
      const plan = planBuild(text, { buildArgs: options.buildArgs, ...(options.target ? { target: options.target } : {}) });
      const inbox = request.progress;
      const emit = inbox && ctx.publishBuild ? (event: Parameters<NonNullable<RequestContext['publishBuild']>>[1]) => ctx.publishBuild!(inbox, event) : () => {};
      const effects = new HostBuildEffects(this.host, ctx, options, { dir: work, context });
      const id = await new BuildExecutor(plan, options, effects, emit).build();
      return { id, tags: options.tags };
    } finally {
      await builds.cleanup(work);
    }
  }
}
