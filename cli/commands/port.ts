/**
 * `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports as Docker prints
 * them ('80/tcp -> 0.0.0.0:8080'; with a port, its host addresses alone). A port with no mapping
 * exits 1 naming it, and so does a missing container, as Docker's.
 */
import { BerthError, ValidationError } from '../../events/errors.js';
import { livePorts, portLines } from '../../client/views/ports.js';
import type { GlobalOptions } from '../client.js';
import { withClientMissingExits1 } from '../missingContainer.js';

export default async function port(container: string, privatePort: string | undefined, _opts: object, globals: GlobalOptions): Promise<number> {
  const match = privatePort === undefined ? null : /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(privatePort);
  if (privatePort !== undefined && (!match || Number(match[1]) < 1 || Number(match[1]) > 65535)) {
    throw new ValidationError(`Invalid port: ${privatePort}`);
  }
  return withClientMissingExits1(globals, async (client) => {
    const view = await client.request({ op: 'container.inspect', ref: container });
    if (!match) {
      process.stdout.write(portLines(view).map((line) => `${line}\n`).join(''));
      return 0;
    }
    const protocol = match[2] ?? 'tcp';
    const mapped = livePorts(view).filter((p) => p.containerPort === Number(match[1]) && p.protocol === protocol);
    if (mapped.length === 0) {
      const error = new BerthError(`No public port '${match[1]}/${protocol}' published for ${view.config.name}`);
      error.exitCode = 1;
      throw error;
    }
    process.stdout.write(mapped.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}\n`).join(''));
    return 0;
  });
}
