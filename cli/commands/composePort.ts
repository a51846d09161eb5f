/** `berth compose port [--index N] [--protocol tcp|udp] SERVICE PRIVATE_PORT`: the host address a service's port is published on. */
import { BerthError, ValidationError } from '../../events/errors.js';
import { ComposeError } from '../../client/compose/errors.js';
import { LABEL } from '../../client/compose/labels.js';
import { livePorts } from '../../client/views/ports.js';
import { connectClient } from '../client.js';
import { loadFromFlags, serviceContainers, type ComposeFlags } from '../composeOptions.js';

export default async function composePort(service: string, privatePort: string, opts: { index: string; protocol: string }, flags: ComposeFlags): Promise<number> {
  const port = Number(privatePort);
  if (!/^\d+$/.test(privatePort) || port < 1 || port > 65535) throw new ValidationError(`invalid port: ${privatePort}`);
  if (opts.protocol !== 'tcp' && opts.protocol !== 'udp') throw new ValidationError(`invalid protocol: ${opts.protocol}: use tcp or udp`);
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const view = (await serviceContainers(client, project, [service])).find((entry) => entry.config.labels[LABEL.number] === opts.index);
    if (!view) throw new ComposeError(`service "${service}" is not running container #${opts.index}`);
    const mapped = livePorts(view).find((entry) => entry.containerPort === port && entry.protocol === opts.protocol);
    if (!mapped) {
      const error = new BerthError(`no port ${port}/${opts.protocol} for container ${view.config.name}`);
      error.exitCode = 1;
      throw error;
    }
    process.stdout.write(`${mapped.hostIp || '0.0.0.0'}:${mapped.hostPort}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
