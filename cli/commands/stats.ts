/** `berth stats`: memory, CPU, pids and io of running containers, from their cgroups. */
import type { StatsView } from '../../events/requests.js';
import { formatList } from '../template.js';
import { parseTemplate } from '../../events/templateParse.js';
import { cpuPercent, statsRow } from '../../client/views/stats.js';
import { connectClient, type EngineClient, type GlobalOptions } from '../client.js';

const HEADERS = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };

export function formatStats(rows: Array<{ now: StatsView; before?: StatsView }>): string {
  const head = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'BLOCK I/O', 'PIDS'];
  const lines = rows.map(({ now, before }) => {
    const r = statsRow(now, before);
    return [r.ID!, r.Name!, r.CPUPerc!, r.MemUsage!, r.MemPerc!, r.BlockIO!, r.PIDs!];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [head, ...lines].map((l) => l.map((cell, i) => cell.padEnd(widths[i])).join('   ').trimEnd()).join('\n') + '\n';
}

const read = (client: EngineClient, refs: string[]) => client.request({ op: 'container.stats', refs });

export default async function stats(containers: string[], opts: { stream: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  if (opts.format && opts.format !== 'table' && opts.format !== 'json') parseTemplate(opts.format); // a bad template fails before any reading
  const client = await connectClient(globals);
  try {
    let before = new Map((await read(client, containers)).map((s) => [s.id, s]));
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, opts.stream ? 1000 : 500));
      const now = await read(client, containers);
      if (opts.format === 'json') {
        for (const s of now) process.stdout.write(`${JSON.stringify({ ...s, cpuPercent: cpuPercent(before.get(s.id), s) })}\n`);
      } else if (opts.format && opts.format !== 'table') {
        process.stdout.write(formatList(opts.format, now.map((s) => statsRow(s, before.get(s.id))), HEADERS));
      } else {
        if (opts.stream && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
        process.stdout.write(formatStats(now.map((s) => ({ now: s, before: before.get(s.id) }))));
      }
      if (!opts.stream) return 0;
      before = new Map(now.map((s) => [s.id, s]));
    }
  } finally {
    await client.close();
  }
}
