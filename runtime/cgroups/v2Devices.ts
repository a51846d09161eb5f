/**
 * Device access on cgroup v2: the rules compiled to a BPF device filter (deviceFilter.ts) and
 * attached to the cgroup's directory by berth-devfilter, before any task joins it. Attaching again
 * (an update) replaces the filter at once.
 */
import { spawn } from 'node:child_process';

import type { DeviceRule } from './deviceRule.js';
import { compileDeviceFilter, encodeDeviceFilter } from './deviceFilter.js';
import { SystemError } from '../../events/errors.js';
import { nativeBinary } from '../nativeBinary.js';

/** dist/native/berth-devfilter, next to dist/runtime/cgroups/v2Devices.js. */
export const DEFAULT_DEVFILTER_BINARY = nativeBinary('berth-devfilter');

/** Limits the devices the tasks of the cgroup at `dir` may use to what `rules` allow. */
export async function attachDeviceFilter(dir: string, rules: readonly DeviceRule[], binary = DEFAULT_DEVFILTER_BINARY): Promise<void> {
  const program = encodeDeviceFilter(compileDeviceFilter(rules));
  const failure = await new Promise<string | null>((resolve) => {
    const child = spawn(binary, [dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.stdin.on('error', () => {
      /* EPIPE when it stopped early: its stderr says why */
    });
    child.on('error', (error) => resolve(`cannot run ${binary}: ${error.message}`));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(null);
      const line = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0];
      resolve(line || `berth-devfilter ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`);
    });
    child.stdin.end(program);
  });
  if (failure) throw new SystemError(`cgroup v2: cannot limit device access for ${dir}: ${failure}`, { op: 'attach device filter', path: dir });
}
