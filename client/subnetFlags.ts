/**
 * `network create`'s --subnet and --gateway (each once per family, as Docker takes them) and
 * --ipv6, and the Engine API's IPAM Config and EnableIPv6, as the request's fields. Pure.
 */
import { ValidationError } from '../events/errors.js';

export interface Addressing {
  subnet?: string;
  gateway?: string;
  ipv6?: boolean;
  subnet6?: string;
  gateway6?: string;
}

const family = (text: string) => (text.includes(':') ? 6 : 4);

/** Subnets and gateways by family; a second subnet or gateway of one family is refused (berth has one subnet per family). */
export function subnetFlags(subnets: string[], gateways: string[], ipv6: boolean): Addressing {
  const pick = (values: string[], kind: string, of: 4 | 6) => {
    const found = values.filter((value) => family(value) === of);
    if (found.length > 1) throw new ValidationError(`only one IPv${of} ${kind} per network: ${found.join(', ')}`);
    return found[0];
  };
  const subnet = pick(subnets, 'subnet', 4);
  const subnet6 = pick(subnets, 'subnet', 6);
  const gateway = pick(gateways, 'gateway', 4);
  const gateway6 = pick(gateways, 'gateway', 6);
  // The docker CLI's own check (consolidateIpam).
  if ((gateway && !subnet) || (gateway6 && !subnet6)) throw new ValidationError('every ip-range or gateway must have a corresponding subnet');
  return {
    ...(subnet ? { subnet } : {}), ...(gateway ? { gateway } : {}),
    ...(ipv6 || subnet6 ? { ipv6: true } : {}), ...(subnet6 ? { subnet6 } : {}), ...(gateway6 ? { gateway6 } : {}),
  };
}
