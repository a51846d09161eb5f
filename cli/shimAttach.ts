/**
 * The CLI's terminal on a shim's attach socket (client/shimConnection.ts): stdin, raw mode,
 * window size and detach keys for `run -i/-t`, `attach` and `exec -it`.
 */
import type { ShimConnection } from '../client/shimConnection.js';
import { DEFAULT_DETACH_KEYS, DetachKeyMatcher, parseDetachKeys } from './detachKeys.js';

/**
 * Wires this process's terminal to a connection: stdin (when `stdin`), raw mode when stdin is a
 * TTY and the container has one, window-size changes, and the detach keys (cli/detachKeys.ts;
 * ctrl-p ctrl-q unless `detachKeys` says otherwise). Returns the function that undoes it all.
 */
export function attachTerminal(
  conn: ShimConnection,
  opts: { stdin: boolean; tty: boolean; detachKeys?: readonly number[] },
  onDetach: () => void,
): () => void {
  const input = process.stdin;
  const output = process.stdout;
  const undo: Array<() => void> = [];
  if (opts.tty && output.isTTY) {
    const resize = () => conn.resize(output.rows, output.columns);
    resize();
    output.on('resize', resize);
    undo.push(() => output.off('resize', resize));
  }
  if (opts.stdin) {
    if (opts.tty && input.isTTY) {
      input.setRawMode(true);
      undo.push(() => input.setRawMode(false));
    }
    const matcher = new DetachKeyMatcher(opts.detachKeys ?? parseDetachKeys(DEFAULT_DETACH_KEYS));
    const onData = (chunk: Buffer) => {
      const { send, detach } = matcher.feed(chunk);
      if (send.length) conn.stdin(send);
      if (detach) onDetach();
    };
    const onEnd = () => {
      const held = matcher.flush();
      if (held.length) conn.stdin(held);
      if (!opts.tty) conn.closeStdin();
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
    undo.push(() => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      // a piped or TTY stdin would keep the process alive
      if (!input.isTTY) input.destroy();
    });
  }
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    for (const fn of undo.reverse()) fn();
  };
}
