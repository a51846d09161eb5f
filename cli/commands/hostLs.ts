/** `berth host ls`: every host of the cluster, its state and its capacity from its last heartbeat. */
import { ValidationError } from '../../events/errors.js';
import type { HostStatus } from '../../actors/hostStatus.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { humanSize, table } from '../output.js';

export function hostRow(status: HostStatus): string[] {
  const beat = status.heartbeat;
  const labels = Object.entries(beat?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return [
    status.host,
    status.state,
    status.availability,
    beat ? String(beat.capacity.cpus) : '-',
    beat ? `${humanSize(beat.capacity.memoryFree)}/${humanSize(beat.capacity.memoryTotal)}` : '-',
    beat ? String(beat.capacity.containersRunning) : '-',
    labels,
  ];
}

export default async function hostLs(opts: { quiet?: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  if (opts.format && opts.format !== 'json' && opts.format !== 'table') throw new ValidationError(`unknown --format ${opts.format}: use table or json`);
  const client = await connectClient(globals);
  try {
    const statuses = await client.hosts();
    if (opts.quiet) process.stdout.write(statuses.map((s) => `${s.host}\n`).join(''));
    else if (opts.format === 'json') {
      process.stdout.write(statuses.map((s) => `${JSON.stringify({
        Host: s.host, State: s.state, Availability: s.availability,
        Capacity: s.heartbeat?.capacity ?? null, Labels: s.heartbeat?.labels ?? {}, Heartbeat: s.heartbeat ? new Date(s.heartbeat.time).toISOString() : null,
        Fence: s.fence ? { State: s.fence.record.state, By: s.fence.record.by, Seq: s.fence.revision, Rescheduled: s.fence.record.replacements.length } : null,
      })}\n`).join(''));
    } else {
      process.stdout.write(table(['HOST', 'STATE', 'AVAILABILITY', 'CPUS', 'MEMORY FREE', 'RUNNING', 'LABELS'], statuses.map(hostRow)));
    }
    return 0;
  } finally {
    await client.close();
  }
}
