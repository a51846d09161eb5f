/**
 * `berth compose up`: the project brought to what its files say (client/compose/plan.ts and
 * up.ts), services with `build:` built when their image is missing (always, with --build). With -d it returns once the containers are started (with --wait, once they are
 * running and healthy); without, it prints their output, each line after its container's name,
 * until they have all exited, and Ctrl-C stops them.
 */
import { ValidationError } from '../../events/errors.js';
import { planUp } from '../../client/compose/plan.js';
import { engineState, executeUp } from '../../client/compose/up.js';
import { waitCondition } from '../../client/compose/waitCondition.js';
import { stopTimeoutSeconds } from '../../client/compose/stop.js';
import { connectClient } from '../client.js';
import { composeBuilder } from '../composeBuilder.js';
import { LogPrinter, logName } from '../composeLogPrinter.js';
import { loadFromFlags, printProgress, type ComposeFlags } from '../composeOptions.js';
import { streamLogs } from '../composeStream.js';

export interface UpFlags {
  detach?: boolean;
  wait?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  removeOrphans?: boolean;
  scale: string[];
  build?: boolean;
}

function parseScale(entries: string[]): Record<string, number> {
  return Object.fromEntries(entries.map((entry) => {
    const match = /^([^=]+)=(\d+)$/.exec(entry);
    if (!match) throw new ValidationError(`invalid --scale ${entry}: use SERVICE=NUMBER`);
    return [match[1], Number(match[2])];
  }));
}

export default async function composeUp(services: string[], opts: UpFlags, flags: ComposeFlags): Promise<number> {
  if (opts.forceRecreate && opts.noRecreate) throw new ValidationError('--force-recreate and --no-recreate are incompatible');
  const project = loadFromFlags(flags);
  const scale = parseScale(opts.scale);
  for (const name of Object.keys(scale)) if (!project.services[name]) throw new ValidationError(`no such service: ${name}`);
  const client = await connectClient(flags);
  try {
    const plan = planUp(project, await engineState(client), {
      services, forceRecreate: opts.forceRecreate ?? false, noRecreate: opts.noRecreate ?? false, removeOrphans: opts.removeOrphans ?? false, scale,
    });
    const containers = await executeUp(client, project, plan, printProgress, { builder: composeBuilder(client), always: opts.build ?? false });
    if (opts.wait) {
      for (const [service, list] of containers) {
        const condition = project.services[service].healthcheck && !project.services[service].healthcheck?.disable ? 'service_healthy' : 'service_started';
        for (const container of list) {
          printProgress('Container', container.name, 'Waiting');
          await waitCondition(client, container, service, condition);
          printProgress('Container', container.name, condition === 'service_healthy' ? 'Healthy' : 'Running');
        }
      }
    }
    if (opts.detach || opts.wait) return 0;
    const all = [...containers].flatMap(([service, list]) => list.map((container) => ({ ...container, service, label: logName(container.name, project.name) })));
    process.stdout.write(`Attaching to ${all.map((container) => container.label).join(', ')}\n`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
      void (async () => {
        for (const container of [...all].reverse()) {
          printProgress('Container', container.name, 'Stopping');
          await client.request({ op: 'container.stop', ref: container.id, timeoutSeconds: stopTimeoutSeconds(project.services[container.service]) }, 5 * 60_000).catch(() => {});
          printProgress('Container', container.name, 'Stopped');
        }
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    await streamLogs(client, all, { follow: true }, new LogPrinter(all.map((container) => container.label)));
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return stopping ? 130 : 0;
  } finally {
    await client.close();
  }
}
