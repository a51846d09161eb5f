/**
 * `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports. berth publishes
 * none, so for a container it prints nothing (and names no mapping for a port it is asked about,
 * as Docker: exit 1); a missing container exits 1, as Docker's.
 */
import { BerthError, ValidationError } from '../../events/errors.js';
import type { GlobalOptions } from '../client.js';
import { withClientMissingExits1 } from '../missingContainer.js';

export default async function port(container: string, privatePort: string | undefined, _opts: object, globals: GlobalOptions): Promise<number> {
  const match = privatePort === undefined ? null : /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(privatePort);
  if (privatePort !== undefined && (!match || Number(match[1]) < 1 || Number(match[1]) > 65535)) {
    throw new ValidationError(`Invalid port: ${privatePort}`);
  }
  return withClientMissingExits1(globals, async (client) => {
    const { config } = await client.request({ op: 'container.inspect', ref: container });
    if (match) {
      const error = new BerthError(`No public port '${match[1]}/${match[2] ?? 'tcp'}' published for ${config.name}`);
      error.exitCode = 1;
      throw error;
    }
    return 0;
  });
}
