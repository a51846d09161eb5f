/** `berth top`: the processes of a container, as ps -ef shows them. */
import { formatTicks } from '../../runtime/containers/top.js';
import type { Result } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';

/** The processes as ps -ef prints them (UID PID PPID TIME CMD), a line each. */
export function topTable(rows: Result<'container.top'>): string {
  const table = [['UID', 'PID', 'PPID', 'TIME', 'CMD'], ...rows.map((r) => [String(r.uid), String(r.pid), String(r.ppid), formatTicks(r.ticks), r.cmd])];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => (i === 4 ? 0 : row[i].length))));
  return table.map((row) => row.map((cell, i) => (i === 4 ? cell : cell.padEnd(widths[i]))).join('   ')).join('\n') + '\n';
}

export default async function top(container: string, _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    process.stdout.write(topTable(await client.request({ op: 'container.top', ref: container })));
    return 0;
  } finally {
    await client.close();
  }
}
