/** `berth compose stop [SERVICE...]` (cli/composeLifecycle.ts). */
import { lifecycle } from '../composeLifecycle.js';
import type { ComposeFlags } from '../composeOptions.js';

export default async function composeStop(services: string[], opts: { timeout?: string }, flags: ComposeFlags): Promise<number> {
  return lifecycle('stop', services, opts.timeout, flags);
}
