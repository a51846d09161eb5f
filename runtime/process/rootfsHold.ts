/**
 * `berth-shim rootfs` (runtime/native/rootfs.c): a stopped container's root filesystem, mounted
 * as its init would mount it (overlay, volumes, binds, tmpfs) in a mount namespace of its own,
 * held until released. The host reaches it through /proc/<pid>/root<mergedDir>; nothing is ever
 * mounted in the host's namespace, and the mounts go when the holder exits.
 */
import { spawn } from 'node:child_process';
import type { Duplex, Writable } from 'node:stream';
import { BerthError, InitError, SystemError } from '../../events/errors.js';
import { DEFAULT_SHIM_BINARY, parseShimReport } from './shim.js';
import { encodeShimSpec, type ShimSpec } from './shimSpec.js';

export interface HeldRootfs {
  /** The container's root as a host path. */
  root: string;
  /** Ends the holder (and so its mounts). */
  release(): Promise<void>;
}

export function holdRootfs(spec: ShimSpec, opts: { binary?: string } = {}): Promise<HeldRootfs> {
  const payload = encodeShimSpec(spec);
  const child = spawn(opts.binary ?? DEFAULT_SHIM_BINARY, ['rootfs'], { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const release = async () => {
    (child.stdin as Writable).end();
    await exited;
  };
  return new Promise<HeldRootfs>((resolve, reject) => {
    let report = '';
    let stderr = '';
    child.on('error', (error) => reject(SystemError.from(error, { op: 'spawn', message: `berth-shim rootfs: ${error.message}` })));
    child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
    const fd3 = child.stdio[3] as Duplex;
    fd3.on('error', () => {});
    fd3.on('data', (b: Buffer) => {
      report += b.toString('utf8');
      const nl = report.indexOf('\n');
      if (nl < 0) return;
      try {
        const r = parseShimReport(report.slice(0, nl).replace(/^ok (\d+)$/, 'ok $1 0'));
        if (r instanceof InitError) reject(r);
        else resolve({ root: `/proc/${r.pid}/root${spec.mergedDir}`, release });
      } catch (error) {
        reject(error as Error);
      }
    });
    fd3.end(payload);
    void exited.then(() => reject(new BerthError(`berth-shim rootfs exited without reporting${stderr ? `: ${stderr.trim()}` : ''}`)));
  });
}
