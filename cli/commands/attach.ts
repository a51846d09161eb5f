/**
 * `berth attach CONTAINER`: follow a running container's live output (over NATS) and, when it
 * was started with -i, forward this terminal's stdin through its shim (client/shimConnection.ts, cli/shimAttach.ts),
 * with raw mode and window size when it has a tty. ctrl-p ctrl-q (or --detach-keys) detaches; otherwise exits
 * with the container's exit code.
 */
import { ConflictError } from '../../events/errors.js';
import { followContainer, OUTPUT_GRACE_MS } from '../../client/followContainer.js';
import { connectToContainer, type GlobalOptions } from '../client.js';
import { ShimConnection } from '../../client/shimConnection.js';
import { attachTerminal } from '../shimAttach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detachKeys.js';
import { printOutput } from '../output.js';

export default async function attach(container: string, opts: { detachKeys?: string; stdin?: boolean }, globals: GlobalOptions): Promise<number> {
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const { client, ref } = await connectToContainer(globals, container);
  try {
    const view = await client.request({ op: 'container.inspect', ref });
    if (view.status !== 'running') throw new ConflictError('You cannot attach to a stopped container, start it first');
    // raw at once: what is typed while attaching must not be echoed or line-buffered here
    // --no-stdin: output (and the window size) only; ctrl-c leaves, the container runs on
    const stdin = (view.config.openStdin ?? false) && opts.stdin !== false;
    if (view.config.tty && stdin && process.stdin.isTTY) process.stdin.setRawMode(true);
    const follow = await followContainer(client.nc, { host: client.host, container: view.id, outputGraceMs: OUTPUT_GRACE_MS }, printOutput);
    const tty = view.config.tty ?? false;
    let undo = () => {};
    const conn = stdin || tty ? await ShimConnection.connect(client.layout.shimSocket(view.id), 0) : null;
    if (conn) undo = attachTerminal(conn, { stdin, tty, detachKeys }, () => follow.detach());
    // it may have exited between the inspect and the subscriptions
    const again = await client.request({ op: 'container.inspect', ref: view.id }).catch(() => null);
    if (!again || again.status !== 'running') follow.exited(again?.exitCode ?? null);
    const end = await follow.ended;
    undo();
    await conn?.close();
    follow.close();
    return end.detached ? 0 : end.exitCode ?? 0;
  } finally {
    if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
    await client.close();
  }
}
