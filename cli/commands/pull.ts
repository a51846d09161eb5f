/** `berth pull NAME[:TAG|@DIGEST]`: fetches an image from its registry, as Docker prints it. */
import { createInbox } from '@nats-io/transport-node';
import { decode } from '../../events/codec.js';
import { PullProgress } from '../../events/requests.js';
import { parseReference } from '../../runtime/images/reference.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { plainProgress, terminalProgress, type ProgressView } from '../pullProgress.js';

const PULL_TIMEOUT_MS = 60 * 60_000;

export default async function pull(reference: string, opts: { platform?: string; quiet?: boolean }, globals: GlobalOptions): Promise<number> {
  const ref = parseReference(reference);
  const shown = ref.digest ? `${ref.name}@${ref.digest}` : `${ref.name}:${ref.tag}`;
  const client = await connectClient(globals);
  try {
    let view: ProgressView | null = null;
    let inbox: string | undefined;
    if (!opts.quiet) {
      process.stdout.write(`${ref.digest ?? ref.tag}: Pulling from ${ref.repository}\n`);
      view = process.stdout.isTTY ? terminalProgress(process.stdout) : plainProgress(process.stdout);
      inbox = createInbox();
      const shown = view;
      client.nc.subscribe(inbox, {
        callback: (error, msg) => {
          if (error) return;
          try { shown.update(decode(PullProgress, msg.data)); } catch { /* a bad progress message is not worth failing a pull */ }
        },
      });
      await client.nc.flush();
    }
    let result;
    try {
      result = await client.request({ op: 'image.pull', ref: reference, platform: opts.platform, progress: inbox }, PULL_TIMEOUT_MS);
      await client.nc.flush(); // the last progress messages, sent before the reply, are in
    } finally {
      view?.stop();
    }
    if (opts.quiet) {
      process.stdout.write(`${shown}\n`);
      return 0;
    }
    process.stdout.write(`Digest: ${result.digest}\n`);
    process.stdout.write(result.already
      ? `Status: Image is up to date for ${shown}\n`
      : `Status: Downloaded newer image for ${shown} (${result.fetched} layers fetched, ${result.reused} already present)\n`);
    process.stdout.write(`${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
