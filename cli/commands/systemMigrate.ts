/**
 * `berth system migrate [--dry-run] [--format json]`: what the next start of this berth does
 * with the host's log, read without a daemon (client/migration.ts): how many events and
 * snapshots of each schema version it holds, what a start would upcast or rebuild, or that a
 * newer berth wrote it and a start would be refused (then exit 125). There is nothing to
 * migrate in place: events are upcast as they are read, and the start rebuilds older snapshots
 * itself; without --dry-run the command says so after the same report.
 */
import { BerthError, ValidationError } from '../../events/errors.js';
import { planStart, type VersionCounts } from '../../events/schemaCensus.js';
import { censusOfLog } from '../../client/migration.js';
import { targetFrom, type GlobalOptions } from '../client.js';
import { layoutFrom } from '../../runtime/layout.js';

const byVersion = (counts: VersionCounts) => {
  const entries = Object.entries(counts).sort(([a], [b]) => Number(a) - Number(b));
  const sum = entries.reduce((n, [, c]) => n + c, 0);
  return entries.length ? `${sum} (${entries.map(([version, n]) => `version ${version}: ${n}`).join(', ')})` : '0';
};

export default async function systemMigrate(opts: { dryRun?: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'text') throw new ValidationError(`unknown format "${opts.format}": use text or json`);
  const layout = layoutFrom(globals);
  const { external, host } = targetFrom(layout, globals);
  const census = await censusOfLog({ layout, external, host });
  if (!census) {
    process.stdout.write(`No berth log for ${layout.root} (no daemon has run on it): nothing to migrate.\n`);
    return 0;
  }
  const plan = planStart(census);
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify({ ...census, plan })}\n`);
  } else {
    const lines = [
      `Host ${census.host}: this berth writes schema version ${census.readable} and reads versions up to ${census.readable}.`,
      `Events: ${byVersion(census.events)}${census.invalidEvents ? `, and ${census.invalidEvents} unreadable` : ''}; after the checkpoint (seq ${census.checkpoint}): ${byVersion(census.eventsAfterCheckpoint)}.`,
      `Snapshots: ${byVersion(census.snapshots)}${census.invalidSnapshots ? `, and ${census.invalidSnapshots} unreadable (their entities are rebuilt from their events)` : ''}.`,
    ];
    if (!plan.refused) {
      const reads = plan.rebuilt > 0 ? `rebuild ${plan.rebuilt} entities whose snapshots are older from their events, reading the whole log (${plan.read} events)` : `read ${plan.read} events after the checkpoint`;
      const upcasts = plan.upcast > 0 ? `upcast ${plan.upcast} of them to version ${census.readable} as it reads them` : 'upcast none';
      lines.push(`A start would ${reads} and ${upcasts}${plan.rebuilt > 0 ? `, then write those snapshots at version ${census.readable}` : ''}.`);
      if (plan.rebuilt === 0 && plan.upcast === 0) lines.push('Nothing to migrate.');
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (plan.refused) throw new BerthError(plan.refused);
  if (!opts.dryRun && opts.format !== 'json') {
    process.stdout.write('Nothing was changed: berth migrates nothing in place. Events are upcast when read, and the daemon\'s start rebuilds older snapshots itself.\n');
  }
  return 0;
}
