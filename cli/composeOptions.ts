/** `berth compose`'s own flags (-f, -p, --env-file, --profile, --project-directory) and the project they load. */
import { loadProject } from '../client/compose/load.js';
import type { Project } from '../client/compose/model.js';
import type { GlobalOptions } from './client.js';
import type { EngineClient } from '../client/engineClient.js';
import type { ContainerView } from '../events/requests.js';
import { ComposeError } from '../client/compose/errors.js';
import { LABEL } from '../client/compose/labels.js';

export interface ComposeFlags extends GlobalOptions {
  file: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile: string[];
  profile: string[];
}

/** The project the flags, the environment and the working directory name. */
export function loadFromFlags(flags: ComposeFlags): Project {
  return loadProject({
    files: flags.file, projectName: flags.projectName, projectDirectory: flags.projectDirectory,
    envFiles: flags.envFile, profiles: flags.profile, cwd: process.cwd(), env: process.env,
  });
}

/** Compose's progress lines on stderr: ` Container app-web-1  Started`. */
export function printProgress(kind: string, name: string, state: string): void {
  process.stderr.write(kind === 'Warning' ? `WARN[0000] ${name}\n` : ` ${kind} ${name}  ${state}\n`);
}

/** The project's containers (not one-off ones) of the services named (all when none), as the engine lists them. */
export async function serviceContainers(client: EngineClient, project: Project, services: string[], all = true): Promise<ContainerView[]> {
  for (const name of services) if (!project.services[name]) throw new ComposeError(`no such service: ${name}`);
  const views = await client.request({ op: 'container.list', all });
  return views.filter((view) => view.config.labels[LABEL.project] === project.name && view.config.labels[LABEL.oneoff] !== 'True'
    && (services.length === 0 || services.includes(view.config.labels[LABEL.service] ?? '')));
}
