/** `berth push NAME[:TAG]`: sends an image to its registry, and prints what went as Docker does (live lines per layer on a terminal). */
import { connectClient, type GlobalOptions } from '../client.js';
import { terminalOnly } from '../progress.js';
import { followProgress } from '../../client/progressInbox.js';

const PUSH_TIMEOUT_MS = 60 * 60_000;

export default async function push(reference: string, opts: { allTags?: boolean; quiet?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const view = opts.quiet ? null : terminalOnly(process.stdout);
    const progress = await followProgress(client, view);
    let result;
    try {
      result = await client.request({ op: 'image.push', ref: reference, allTags: opts.allTags ?? false, progress: progress.inbox }, PUSH_TIMEOUT_MS);
    } finally {
      await progress.finish();
    }
    if (opts.quiet) {
      for (const pushed of result.pushes) process.stdout.write(`${result.repository}:${pushed.tag}\n`);
      return 0;
    }
    process.stdout.write(`The push refers to repository [${result.repository}]\n`);
    for (const pushed of result.pushes) {
      // On a terminal the live lines showed each layer already.
      for (const layer of view ? [] : [...pushed.layers].reverse()) {
        process.stdout.write(`${layer.digest.slice(7, 19)}: ${layer.status === 'pushed' ? 'Pushed' : 'Layer already exists'}\n`);
      }
      process.stdout.write(`${pushed.tag}: digest: ${pushed.digest} size: ${pushed.size}\n`);
    }
    return 0;
  } finally {
    await client.close();
  }
}
