/** `berth create`: run's flags, one create request without start; prints the id. */
import { connectForCreate, type GlobalOptions } from '../client.js';
import { createSpec, type RunFlags } from './run.js';
import { writeCidFile } from '../cidFile.js';
import { readFlagFiles } from '../flagFiles.js';
import { printWarnings } from '../output.js';

export default async function create(image: string, command: string[], opts: RunFlags, globals: GlobalOptions): Promise<number> {
  const spec = createSpec(image, command, opts, await readFlagFiles(opts));
  const client = await connectForCreate(globals, spec.constraints ?? []);
  try {
    const cid = await writeCidFile(opts.cidfile, spec.id!);
    const created = await client.request({ op: 'container.create', spec, start: false }).catch(async (error: unknown) => {
      await cid.settle(client);
      throw error;
    });
    printWarnings(created.warnings);
    process.stdout.write(`${created.id}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
