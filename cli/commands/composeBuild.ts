/** `berth compose build [--no-cache] [-q] [SERVICE...]`: the services with `build:` built, always (a failed build: Compose's exit code 17). */
import { runBuild, serviceBuild } from '../../client/compose/build.js';
import { ComposeError } from '../../client/compose/errors.js';
import { connectClient } from '../client.js';
import { composeBuilder } from '../composeBuilder.js';
import { loadFromFlags, printProgress, type ComposeFlags } from '../composeOptions.js';

export default async function composeBuild(services: string[], opts: { cache?: boolean; quiet?: boolean }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  for (const name of services) if (!project.services[name]) throw new ComposeError(`no such service: ${name}`);
  const names = (services.length ? services : Object.keys(project.services).sort()).filter((name) => project.services[name].build);
  const client = await connectClient(flags);
  try {
    const builder = composeBuilder(client, opts.quiet ?? false);
    for (const name of names) {
      const build = serviceBuild(project, project.services[name], opts.cache === false);
      if (!opts.quiet) printProgress('Image', build.image, 'Building');
      await runBuild(builder, build);
      if (!opts.quiet) printProgress('Image', build.image, 'Built');
    }
    return 0;
  } finally {
    await client.close();
  }
}
