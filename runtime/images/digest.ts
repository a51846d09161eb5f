/** sha256 digests: of streams passing through, and chain ids of layer stacks. */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A pass-through stream that hashes what flows through it and counts the bytes. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
  /** "sha256:<hex>", valid once the stream has ended. */
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

export function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** OCI chain ids: the first is the diff id, each next is sha256("<parent chain> <diff id>"). */
export function chainIds(diffIds: string[]): string[] {
  const chains: string[] = [];
  for (const diffId of diffIds) {
    const parent = chains[chains.length - 1];
    chains.push(parent === undefined ? diffId : sha256(`${parent} ${diffId}`));
  }
  return chains;
}

export const hexOf = (digest: string): string => digest.replace(/^sha256:/, '');
