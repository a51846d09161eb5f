/** `berth compose pull [SERVICE...]`: the services' images pulled (a failed pull: Compose's exit code 18). */
import { ComposeError } from '../../client/compose/errors.js';
import { connectClient } from '../client.js';
import { loadFromFlags, printProgress, type ComposeFlags } from '../composeOptions.js';

export default async function composePull(services: string[], _opts: Record<string, never>, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  for (const name of services) if (!project.services[name]) throw new ComposeError(`no such service: ${name}`);
  const names = services.length ? services : Object.keys(project.services).sort();
  const client = await connectClient(flags);
  try {
    for (const name of names) {
      const image = project.services[name].image;
      if (!image) continue;
      printProgress('', name, 'Pulling');
      await client.request({ op: 'image.pull', ref: image }, 10 * 60_000).catch((cause: unknown) => {
        throw new ComposeError(`${name}: ${cause instanceof Error ? cause.message : String(cause)}`, 18, { cause });
      });
      printProgress('', name, 'Pulled');
    }
    return 0;
  } finally {
    await client.close();
  }
}
