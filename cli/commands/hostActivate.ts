/** `berth host activate HOST`: the host records `node.activated`; placement may choose it again. */
import type { GlobalOptions } from '../client.js';
import { setAvailability } from './hostDrain.js';

export default function hostActivate(host: string, _opts: unknown, globals: GlobalOptions): Promise<number> {
  return setAvailability(host, 'node.activate', globals);
}
