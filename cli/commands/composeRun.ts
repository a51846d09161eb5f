/**
 * `berth compose run [--rm] [-d] [--no-deps] [-e K=V] [-p PORT] [--service-ports] SERVICE [COMMAND...]`: a one-off container
 * of the service (`<project>-<service>-run-<id>`, labelled oneoff), after its dependencies are
 * up; prints its output and exits with its code.
 */
import { randomBytes } from 'node:crypto';
import { followContainer } from '../../client/followContainer.js';
import { buildCreateRequest } from '../../client/createOptions.js';
import { ComposeError } from '../../client/compose/errors.js';
import { planUp } from '../../client/compose/plan.js';
import { engineState, ensureImages, executeUp } from '../../client/compose/up.js';
import { waitCondition } from '../../client/compose/waitCondition.js';
import { serviceCreateOptions } from '../../client/compose/toCreate.js';
import { parsePortShort } from '../../client/compose/shortSyntax.js';
import { connectClient } from '../client.js';
import { composeBuilder } from '../composeBuilder.js';
import { loadFromFlags, printProgress, type ComposeFlags } from '../composeOptions.js';
import { printOutput } from '../output.js';
import { parseEnv } from '../parse.js';

export default async function composeRun(service: string, command: string[], opts: { rm?: boolean; detach?: boolean; deps?: boolean; env: string[]; name?: string; publish?: string[]; servicePorts?: boolean }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const definition = project.services[service];
  if (!definition) throw new ComposeError(`no such service: ${service}`);
  const client = await connectClient(flags);
  const builder = composeBuilder(client);
  try {
    const dependencies = Object.keys(definition.depends_on);
    if (opts.deps !== false && dependencies.length) {
      const plan = planUp(project, await engineState(client), { services: dependencies, forceRecreate: false, noRecreate: false, removeOrphans: false, scale: {} });
      const started = await executeUp(client, project, plan, printProgress, { builder });
      for (const [name, dependency] of Object.entries(definition.depends_on)) {
        for (const container of started.get(name) ?? []) await waitCondition(client, container, name, dependency.condition);
      }
    }
    const suffix = randomBytes(6).toString('hex');
    // Compose publishes the service's ports for a one-off container only with --service-ports.
    const ports = opts.servicePorts ? definition.ports : (opts.publish ?? []).flatMap((entry) => parsePortShort(entry, '--publish'));
    const options = serviceCreateOptions(project, { ...definition, ports, environment: { ...definition.environment, ...Object.fromEntries(parseEnv(opts.env).map((entry) => entry.split(/=(.*)/s).slice(0, 2))) } }, {
      name: opts.name ?? `${project.name}-${service}-run-${suffix}`, number: 1, oneoff: true, autoRemove: opts.rm ?? false,
      ...(command.length ? { command } : {}),
    });
    const spec = buildCreateRequest(options);
    if (opts.detach) {
      await client.request({ op: 'container.create', spec, start: true });
      process.stdout.write(`${spec.name}\n`);
      return 0;
    }
    const follow = await followContainer(client.nc, { host: client.host, container: spec.id!, untilRemoved: spec.autoRemove }, printOutput);
    const forward = (signal: NodeJS.Signals) => { void client.request({ op: 'container.kill', ref: spec.id!, signal }).catch(() => {}); };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    try {
      await client.request({ op: 'container.create', spec, start: true });
      const end = await follow.ended;
      return end.exitCode ?? 125;
    } finally {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      follow.close();
    }
  } finally {
    await client.close();
  }
}
