/**
 * `run --init`: berth-init (runtime/native/init/berth-init.c) as the container's pid 1, as Docker
 * runs tini. The static binary is bind-mounted read-only at INIT_PATH and the command becomes
 * its arguments. Pure.
 */
import { nativeBinary } from '../nativeBinary.js';

/** dist/native/berth-init, next to dist/runtime/process/initProcess.js. */
export const DEFAULT_INIT_BINARY = nativeBinary('berth-init');

/** Where the init is mounted inside the container (Docker's is /sbin/docker-init). */
export const INIT_PATH = '/sbin/berth-init';

/** The argv and the extra shim mount entry ("type\x1fsource\x1fdestination\x1foptions") for --init. */
export function initProcess(args: readonly string[], binary = DEFAULT_INIT_BINARY): { args: string[]; mount: string } {
  return { args: [INIT_PATH, '--', ...args], mount: ['bind', binary, INIT_PATH, 'ro,rprivate'].join('\x1f') };
}
