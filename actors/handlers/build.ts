/**
 * `build`: the context (the uploaded tar, indexed and unpacked only when a step needs its files;
 * or a remote one fetched: a git repository, an archive or a Dockerfile by URL), the Dockerfile planned, the plan run on this host
 * (actors/build/).
 */
import type { BuildEvent, Request } from '../../events/requests.js';
import { dirContext, uploadedContext } from '../../runtime/build/buildContext.js';
import { planBuild } from '../../runtime/build/plan.js';
import { displayUrl } from '../../runtime/build/remoteUrl.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import type { Host } from '../host.js';
import { BuildError, BuildExecutor } from '../build/execute.js';
import { HostBuildEffects } from '../build/hostEffects.js';
import { Vertices } from '../build/vertices.js';
import type { RequestContext } from './context.js';

export const BUILD_OPS: ReadonlySet<string> = new Set(['image.build']);

type BuildRequest = Extract<Request, { op: 'image.build' }>;

export class BuildHandler {
  constructor(private readonly host: Host) {}

  async handle(request: BuildRequest, ctx: RequestContext): Promise<{ id: string; tags: string[] }> {
    const builds = this.host.worker.builds;
    const options = { ...request.options, tags: request.options.tags.map(normalizeReference) };
    const inbox = request.progress;
    const vertices = new Vertices(inbox && ctx.publishBuild ? (event: BuildEvent) => ctx.publishBuild!(inbox, event) : () => {});
    const dockerfile = options.dockerfile ?? 'Dockerfile';
    const work = await builds.workDir();
    try {
      const remote = options.remote;
      const readFile = (dir: string, rel: string) => builds.contextFile(dir, rel);
      const fetched = remote
        ? await vertices.run(`[internal] load remote build context ${displayUrl(remote)}`, () => builds.remoteContext(remote, work, dockerfile))
        : null;
      const uploaded = request.context;
      const context = fetched ? dirContext(fetched.dir, readFile)
        : uploaded ? uploadedContext(uploaded, dockerfile, () => builds.unpackContext(uploaded, work), readFile)
        : null;
      if (!context) throw new BuildError('a build needs a context: an uploaded tar or a remote URL');
      const text = options.dockerfileText ?? fetched?.dockerfileText ?? await context.dockerfile(dockerfile);
      const plan = planBuild(text, { buildArgs: options.buildArgs, ...(options.target ? { target: options.target } : {}) });
      const effects = new HostBuildEffects(this.host, ctx, options, { dir: work, context });
      // Its layers (the steps' and the cached ones it reuses) stay until its images are recorded (actors/image/layerGate.ts).
      const id = await this.host.layerGate.produce(() => new BuildExecutor(plan, options, effects, vertices).build());
      return { id, tags: options.tags };
    } finally {
      await builds.cleanup(work);
    }
  }
}
