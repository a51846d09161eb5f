/** `--cidfile`: the container id written to a file that must not exist yet, as Docker does. */
import fs from 'node:fs/promises';
import { ValidationError } from '../events/errors.js';
import type { EngineClient } from './client.js';

export interface CidFile {
  /** After a failed request: removes the file unless the container exists after all. */
  settle(client: EngineClient): Promise<void>;
}

/** Creates `file` with the id (chosen by the CLI before the request); refuses an existing file. */
export async function writeCidFile(file: string | undefined, id: string): Promise<CidFile> {
  if (!file) return { settle: async () => {} };
  try {
    await fs.writeFile(file, id, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ValidationError(`container ID file found, make sure the other container isn't running or delete ${file}`);
    }
    throw new ValidationError(`--cidfile: cannot create ${file}: ${(error as Error).message}`);
  }
  return {
    settle: async (client) => {
      const exists = await client.request({ op: 'container.inspect', ref: id }).then(() => true, () => false);
      if (!exists) await fs.rm(file, { force: true });
    },
  };
}
