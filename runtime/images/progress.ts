/** How image operations (pull, push, load, save, commit) report each layer's progress. */
import { Transform } from 'node:stream';
import type { Progress } from '../../events/requests/image.js';

/** Takes one update; the daemon throttles them and sends them to the inbox the request named. */
export type ProgressReport = (update: Progress) => void;

/** A pass-through stream that tells `onBytes` how many bytes have gone through it so far. */
export function countingStream(onBytes: (bytes: number) => void): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      onBytes(bytes);
      callback(null, chunk);
    },
  });
}
