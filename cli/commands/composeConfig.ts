/** `berth compose config`: the project as Compose normalises it, or only its service or volume names. */
import { renderConfig } from '../../client/compose/config.js';
import { loadFromFlags, type ComposeFlags } from '../composeOptions.js';

export default async function composeConfig(opts: { quiet?: boolean; services?: boolean; volumes?: boolean }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  if (opts.quiet) return 0;
  if (opts.services) process.stdout.write(Object.keys(project.services).map((name) => `${name}\n`).join(''));
  else if (opts.volumes) process.stdout.write(Object.keys(project.volumes).map((name) => `${name}\n`).join(''));
  else process.stdout.write(renderConfig(project));
  return 0;
}
