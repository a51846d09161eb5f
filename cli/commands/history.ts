/** `berth history IMAGE`: the steps that built an image, newest first. */
import { connectClient, type GlobalOptions } from '../client.js';
import { humanDuration, table } from '../output.js';

export default async function history(ref: string, opts: { trunc?: boolean; quiet?: boolean }, globals: GlobalOptions): Promise<number> {
  const full = opts.trunc === false;
  const client = await connectClient(globals);
  try {
    const view = await client.request({ op: 'image.inspect', ref });
    const steps = [...(view.history ?? [])].reverse();
    const now = Date.now();
    const id = (i: number) => (i === 0 ? (full ? `sha256:${view.id}` : view.id.slice(0, 12)) : '<missing>');
    if (opts.quiet) {
      process.stdout.write(steps.map((_, i) => `${id(i)}\n`).join(''));
      return 0;
    }
    const by = (text: string) => (full || text.length <= 45 ? text : `${text.slice(0, 44)}…`);
    process.stdout.write(table(['IMAGE', 'CREATED', 'CREATED BY', 'COMMENT'], steps.map((step, i) => [
      id(i), step.created ? `${humanDuration(now - Date.parse(step.created))} ago` : '', by(step.createdBy ?? ''), step.comment ?? '',
    ])));
    return 0;
  } finally {
    await client.close();
  }
}
