/**
 * `berth commit [-m MSG] [-a AUTHOR] [-c CHANGE]... [-p|--pause=false] CONTAINER [REPO[:TAG]]`:
 * a new image from a container's changes; prints its id. The changes are checked here first, so
 * a bad one fails (125) before anything is written. A missing container exits 1, as Docker's.
 * The layer's tar being written is a live line on stderr when it is a terminal.
 */
import { parseChange } from '../../runtime/images/configChanges.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import type { GlobalOptions } from '../client.js';
import { withClientMissingExits1 } from '../missingContainer.js';
import { terminalOnly } from '../progress.js';
import { followProgress } from '../../client/progressInbox.js';

const COMMIT_TIMEOUT_MS = 60 * 60_000;

export interface CommitOptions {
  message?: string;
  author?: string;
  change: string[];
  /** --pause[=bool] (default true); --no-pause is false; -p is accepted as --pause. */
  pause: boolean;
}

export default async function commit(container: string, reference: string | undefined, opts: CommitOptions, globals: GlobalOptions): Promise<number> {
  for (const change of opts.change) parseChange(change);
  if (reference !== undefined) normalizeReference(reference);
  return withClientMissingExits1(globals, async (client) => {
    const progress = await followProgress(client, terminalOnly(process.stderr));
    let id;
    try {
      ({ id } = await client.request({
        op: 'container.commit', ref: container, reference, comment: opts.message, author: opts.author, changes: opts.change, pause: opts.pause,
        progress: progress.inbox,
      }, COMMIT_TIMEOUT_MS));
    } finally {
      await progress.finish();
    }
    process.stdout.write(`sha256:${id}\n`);
    return 0;
  });
}
