/** `berth compose restart [SERVICE...]` (cli/composeLifecycle.ts). */
import { lifecycle } from '../composeLifecycle.js';
import type { ComposeFlags } from '../composeOptions.js';

export default async function composeRestart(services: string[], opts: { timeout?: string }, flags: ComposeFlags): Promise<number> {
  return lifecycle('restart', services, opts.timeout, flags);
}
