/** `berth pull NAME[:TAG|@DIGEST]` (or `-a NAME`): fetches images from their registry, as Docker prints it. */
import { ValidationError } from '../../events/errors.js';
import { hasExplicitTag, parseReference } from '../../runtime/images/reference.js';
import { connectClient, type EngineClient, type GlobalOptions } from '../client.js';
import { plainProgress, terminalProgress } from '../progress.js';
import { followProgress } from '../../client/progressInbox.js';

const PULL_TIMEOUT_MS = 60 * 60_000;

interface PullOptions {
  platform?: string;
  quiet?: boolean;
  allTags?: boolean;
}

async function pullAll(client: EngineClient, reference: string, opts: PullOptions): Promise<number> {
  const ref = parseReference(reference);
  if (!opts.quiet) process.stdout.write(`Pulling every tag of ${ref.registry}/${ref.repository}\n`);
  const { pulls } = await client.request({ op: 'image.pullTags', ref: reference, platform: opts.platform }, PULL_TIMEOUT_MS);
  for (const pulled of pulls) {
    process.stdout.write(opts.quiet ? `${ref.name}:${pulled.tag}\n` : `${pulled.tag}: ${pulled.already ? 'Image is up to date' : `Downloaded (${pulled.fetched} layers fetched)`}, digest ${pulled.digest}\n`);
  }
  if (!opts.quiet) process.stdout.write(`${ref.registry}/${ref.repository}\n`);
  return 0;
}

export default async function pull(reference: string, opts: PullOptions, globals: GlobalOptions): Promise<number> {
  const ref = parseReference(reference);
  if (opts.allTags && (ref.digest || hasExplicitTag(reference))) {
    throw new ValidationError('tag can\'t be used with --all-tags/-a');
  }
  const shown = ref.digest ? `${ref.name}@${ref.digest}` : `${ref.name}:${ref.tag}`;
  const client = await connectClient(globals);
  try {
    if (opts.allTags) return await pullAll(client, reference, opts);
    if (!opts.quiet) process.stdout.write(`${ref.digest ?? ref.tag}: Pulling from ${ref.repository}\n`);
    const view = opts.quiet ? null : process.stdout.isTTY ? terminalProgress(process.stdout) : plainProgress(process.stdout);
    const progress = await followProgress(client, view);
    let result;
    try {
      result = await client.request({ op: 'image.pull', ref: reference, platform: opts.platform, progress: progress.inbox }, PULL_TIMEOUT_MS);
    } finally {
      await progress.finish();
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
