/** How long `stop` and `down` give a service's containers before they are killed: stop_grace_period, else Docker's 10 s. Pure. */
import { parseGoDuration } from './duration.js';
import type { Service } from './model.js';

export function stopTimeoutSeconds(service: Service | undefined, flag?: number): number {
  if (flag !== undefined) return flag;
  if (!service?.stop_grace_period) return 10;
  return parseGoDuration(service.stop_grace_period, `services.${service.name}.stop_grace_period`) / 1000;
}
