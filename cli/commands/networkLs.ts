/** `berth network ls`: a table, ids (-q) or a template per network. */
import { connectClient, type GlobalOptions } from '../client.js';
import { table } from '../output.js';
import { formatList } from '../template.js';

export default async function networkLs(opts: { quiet?: boolean; format?: string; trunc?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const networks = await client.request({ op: 'network.list' });
    const id = (full: string) => (opts.trunc === false ? full : full.slice(0, 12));
    if (opts.quiet) {
      process.stdout.write(networks.map((n) => `${id(n.id)}\n`).join(''));
      return 0;
    }
    const rows = networks.map((n) => ({ ID: id(n.id), Name: n.name, Driver: n.driver, Scope: n.driver === 'overlay' ? 'swarm' : 'local', Subnet: n.subnet, Internal: String(n.internal) }));
    if (opts.format && opts.format !== 'table') {
      process.stdout.write(formatList(opts.format, rows));
      return 0;
    }
    process.stdout.write(table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], rows.map((r) => [r.ID, r.Name, r.Driver, r.Scope])));
    return 0;
  } finally {
    await client.close();
  }
}
