/** `berth volume create [NAME]`: prints the name (a random one when none is given). */
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { parsePairs } from '../parse.js';

export default async function volumeCreate(name: string | undefined, opts: { label: string[]; opt: string[]; driver: string }, globals: GlobalOptions): Promise<number> {
  if (opts.driver !== 'local') throw new ValidationError(`plugin "${opts.driver}" not found: berth has only the local driver`);
  // Docker takes a label without a value as KEY=''.
  const labels = Object.fromEntries(opts.label.map((label) => (label.includes('=') ? label : `${label}=`)).map((l) => parsePairs([l], '--label')[0]!));
  const options = Object.fromEntries(parsePairs(opts.opt, '--opt'));
  const client = await connectClient(globals);
  try {
    const view = await client.request({ op: 'volume.create', name, labels, options });
    process.stdout.write(`${view.name}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
