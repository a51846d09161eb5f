/** `berth push NAME[:TAG]`: sends an image to its registry, and prints what went as Docker does. */
import { connectClient, type GlobalOptions } from '../client.js';

const PUSH_TIMEOUT_MS = 60 * 60_000;

export default async function push(reference: string, opts: { allTags?: boolean; quiet?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const result = await client.request({ op: 'image.push', ref: reference, allTags: opts.allTags ?? false }, PUSH_TIMEOUT_MS);
    if (opts.quiet) {
      for (const pushed of result.pushes) process.stdout.write(`${result.repository}:${pushed.tag}\n`);
      return 0;
    }
    process.stdout.write(`The push refers to repository [${result.repository}]\n`);
    for (const pushed of result.pushes) {
      for (const layer of [...pushed.layers].reverse()) {
        process.stdout.write(`${layer.digest.slice(7, 19)}: ${layer.status === 'pushed' ? 'Pushed' : 'Layer already exists'}\n`);
      }
      process.stdout.write(`${pushed.tag}: digest: ${pushed.digest} size: ${pushed.size}\n`);
    }
    return 0;
  } finally {
    await client.close();
  }
}
