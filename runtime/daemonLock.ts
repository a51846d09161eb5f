/**
 * One daemon per data root: a lock file holding the owner's pid. A lock whose pid is gone (a
 * SIGKILLed daemon) is taken over; a live owner makes the second daemon refuse to start.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '../events/errors.js';
import { isAlive } from './processes.js';


export async function lockRoot(root: string): Promise<{ release(): Promise<void> }> {
  const file = path.join(root, 'berthd.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return {
        async release() {
          const owner = await fs.readFile(file, 'utf8').catch(() => '');
          if (Number(owner) === process.pid) await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await fs.readFile(file, 'utf8').catch(() => '0'));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new ConflictError(`another berth daemon (pid ${owner}) is running for ${root}`);
      }
      await fs.rm(file, { force: true }); // its owner is gone
    }
  }
  throw new ConflictError(`cannot lock ${root}: another daemon is starting`);
}
