/** A device access rule, the one form both cgroup versions take (v1 writes it, v2 compiles it). Pure. */

/** Some of r (read), w (write) and m (mknod), in that order. */
export type DeviceAccess = 'r' | 'w' | 'm' | 'rw' | 'rm' | 'wm' | 'rwm';

/** Allows `access` to the devices of one type and number (`*`: any). */
export interface DeviceRule {
  /** c: character device, b: block device, a: both (its major and minor are then '*') */
  type: 'a' | 'b' | 'c';
  major: number | '*';
  minor: number | '*';
  access: DeviceAccess;
}

/** Every device, every access: a privileged container's one rule. */
export const ALL_DEVICES: DeviceRule = { type: 'a', major: '*', minor: '*', access: 'rwm' };

/** The rule in the v1 devices cgroup's syntax: "c 1:3 rwm". */
export function formatDeviceRule(rule: DeviceRule): string {
  return `${rule.type} ${rule.major}:${rule.minor} ${rule.access}`;
}

/** Whether the rules allow everything (v1 then takes "a *:* rwm" in devices.allow alone). */
export function allowsEverything(rules: readonly DeviceRule[]): boolean {
  return rules.some((r) => r.type === 'a' && r.major === '*' && r.minor === '*' && r.access === 'rwm');
}
