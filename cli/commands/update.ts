/** `berth update [--memory] [--pids-limit] [--restart] [--cpus] [--cpu-shares] [--cpuset-cpus] [--blkio-weight] CONTAINER...`: change limits and policy live. */
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { parseBytes, parsePositiveInt, parseRestartPolicy } from '../parse.js';
import { parseHostConfig } from '../hostConfigFlags.js';
import { eachContainer } from './each.js';

export interface UpdateOptions {
  memory?: string;
  pidsLimit?: string;
  restart?: string;
  /** As run's (cli/hostConfigFlags.ts). */
  cpus?: string;
  cpuShares?: string;
  cpusetCpus?: string;
  blkioWeight?: string;
}

export function updateChanges(opts: UpdateOptions) {
  const restartPolicy = opts.restart === undefined ? undefined : parseRestartPolicy(opts.restart);
  const changes = {
    memoryBytes: opts.memory === undefined ? undefined : parseBytes(opts.memory, '--memory'),
    pidsLimit: opts.pidsLimit === undefined ? undefined : parsePositiveInt(opts.pidsLimit, '--pids-limit'),
    restartPolicy,
    resources: parseHostConfig({ cpus: opts.cpus, cpuShares: opts.cpuShares, cpusetCpus: opts.cpusetCpus, blkioWeight: opts.blkioWeight }, undefined).resources,
  };
  if (changes.memoryBytes !== undefined && changes.memoryBytes < 6 * 1024 * 1024) throw new ValidationError('Minimum memory limit allowed is 6MB');
  if (Object.values(changes).every((v) => v === undefined)) throw new ValidationError('you must provide one or more flags when using this command');
  return changes;
}

export default async function update(containers: string[], opts: UpdateOptions, globals: GlobalOptions): Promise<number> {
  const changes = updateChanges(opts);
  const client = await connectClient(globals);
  try {
    return await eachContainer(containers, (ref) => client.request({ op: 'container.update', ref, changes }));
  } finally {
    await client.close();
  }
}
