/**
 * The devices a container may use, the one list both cgroup versions apply (v1 through the
 * devices cgroup, v2 through a BPF device filter). Pure data.
 */
import type { SecurityOptions } from '../../events/hostConfig.js';
import { ALL_DEVICES, type DeviceRule } from '../cgroups/deviceRule.js';

/**
 * Docker's default: mknod of any node (which the container then cannot open), and the nodes of
 * its minimal /dev: null, zero, full, random, urandom, tty, console, ptmx and the pts.
 */
export const DEFAULT_DEVICES: readonly DeviceRule[] = [
  { type: 'c', major: '*', minor: '*', access: 'm' },
  { type: 'b', major: '*', minor: '*', access: 'm' },
  { type: 'c', major: 1, minor: 3, access: 'rwm' }, // null
  { type: 'c', major: 1, minor: 5, access: 'rwm' }, // zero
  { type: 'c', major: 1, minor: 7, access: 'rwm' }, // full
  { type: 'c', major: 1, minor: 8, access: 'rwm' }, // random
  { type: 'c', major: 1, minor: 9, access: 'rwm' }, // urandom
  { type: 'c', major: 5, minor: 0, access: 'rwm' }, // tty
  { type: 'c', major: 5, minor: 1, access: 'rwm' }, // console
  { type: 'c', major: 5, minor: 2, access: 'rwm' }, // ptmx
  { type: 'c', major: 136, minor: '*', access: 'rwm' }, // pts
];

/** What the container may use; every other device is refused. A privileged container may use all. */
export function deviceRules(options: SecurityOptions = {}): readonly DeviceRule[] {
  return options.privileged ? [ALL_DEVICES] : DEFAULT_DEVICES;
}
