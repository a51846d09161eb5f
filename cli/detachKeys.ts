/**
 * `--detach-keys`: the key sequence that detaches from a container's terminal, in Docker's
 * format ("ctrl-p,ctrl-q", the default; "a,b"; "ctrl-@" … "ctrl-_", "DEL"), and the matcher
 * that finds it in what is typed. Pure.
 */
import { ValidationError } from '../events/errors.js';

/** Docker's names for the control characters 0 to 31 (moby/term's ASCII table). */
const CONTROL = ['ctrl-@', ...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => `ctrl-${c}`), 'ctrl-[', 'ctrl-\\', 'ctrl-]', 'ctrl-^', 'ctrl-_'];

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** The bytes of a detach-keys spec; Docker's message when a key is unknown. */
export function parseDetachKeys(spec: string): number[] {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1 && key.charCodeAt(0) < 128) bytes.push(key.charCodeAt(0));
    else if (CONTROL.includes(key)) bytes.push(CONTROL.indexOf(key));
    else if (key === 'DEL') bytes.push(127);
    else throw new ValidationError(`Invalid detach keys (${spec}) provided: unknown key '${key}'`);
  }
  return bytes;
}

/**
 * Finds the sequence in a stream of input chunks. `feed` returns what is to be sent on (bytes
 * held back while they might start the sequence are sent once they turn out not to) and
 * whether the whole sequence was typed; what follows the sequence in that chunk is dropped.
 */
export class DetachKeyMatcher {
  private held = 0;
  constructor(private readonly keys: readonly number[]) {}

  feed(chunk: Uint8Array): { send: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      // what is held plus this byte; keep its longest end that begins the sequence
      const seen = [...this.keys.slice(0, this.held), byte];
      let keep = Math.min(seen.length, this.keys.length);
      while (keep > 0 && !seen.slice(seen.length - keep).every((b, i) => b === this.keys[i])) keep--;
      out.push(...seen.slice(0, seen.length - keep));
      this.held = keep;
      if (this.held === this.keys.length) {
        this.held = 0;
        return { send: Buffer.from(out), detach: true };
      }
    }
    return { send: Buffer.from(out), detach: false };
  }

  /** At the end of input: what was held back. */
  flush(): Buffer {
    const rest = Buffer.from(this.keys.slice(0, this.held));
    this.held = 0;
    return rest;
  }
}
