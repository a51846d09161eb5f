/** `berth compose exec [-T] [--index N] SERVICE COMMAND...`: `berth exec` in the service's container number N (1). */
import { ComposeError } from '../../client/compose/errors.js';
import { LABEL } from '../../client/compose/labels.js';
import { connectClient } from '../client.js';
import { loadFromFlags, serviceContainers, type ComposeFlags } from '../composeOptions.js';
import exec from './exec.js';

export default async function composeExec(service: string, command: string[], opts: { detach?: boolean; TTY?: boolean; index?: string; env: string[]; workdir?: string; user?: string; privileged?: boolean }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const index = opts.index ?? '1';
  const client = await connectClient(flags);
  let id: string;
  try {
    const views = await serviceContainers(client, project, [service], false);
    const found = views.find((view) => view.config.labels[LABEL.number] === index);
    if (!found) throw new ComposeError(`service "${service}" is not running`);
    id = found.id;
  } finally {
    await client.close();
  }
  const terminal = process.stdin.isTTY === true && opts.TTY !== false && !opts.detach;
  return exec(id, command, { detach: opts.detach, interactive: terminal, tty: terminal, env: opts.env, workdir: opts.workdir, user: opts.user, privileged: opts.privileged }, flags);
}
