/** `berth compose`'s own flags (-f, -p, --env-file, --profile, --project-directory) and the project they load. */
import { loadProject } from '../client/compose/load.js';
import type { Project } from '../client/compose/model.js';
import type { GlobalOptions } from './client.js';

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
