/** `berth compose start [SERVICE...]` (cli/composeLifecycle.ts). */
import { lifecycle } from '../composeLifecycle.js';
import type { ComposeFlags } from '../composeOptions.js';

export default async function composeStart(services: string[], opts: { timeout?: string }, flags: ComposeFlags): Promise<number> {
  return lifecycle('start', services, opts.timeout, flags);
}
