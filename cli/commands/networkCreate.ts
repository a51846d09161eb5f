/** `berth network create NAME`: prints the network's id. */
import { connectClient, type GlobalOptions } from '../client.js';
import { parsePairs } from '../parse.js';
import { subnetFlags } from '../../client/subnetFlags.js';

export default async function networkCreate(name: string, opts: { driver: string; subnet: string[]; gateway: string[]; ipv6?: boolean; internal?: boolean; label: string[]; opt: string[] }, globals: GlobalOptions): Promise<number> {
  // Docker takes a label without a value as KEY=''.
  const labels = Object.fromEntries(parsePairs(opts.label.map((label) => (label.includes('=') ? label : `${label}=`)), '--label'));
  const options = Object.fromEntries(parsePairs(opts.opt, '--opt'));
  const addressing = subnetFlags(opts.subnet, opts.gateway, opts.ipv6 ?? false);
  const client = await connectClient(globals);
  try {
    const view = await client.request({
      op: 'network.create', name, driver: opts.driver, internal: opts.internal ?? false, labels, options, ...addressing,
    });
    process.stdout.write(`${view.id}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
