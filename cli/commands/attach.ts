/**
 * `berth attach CONTAINER`: follow a running container's live output (over NATS) and, when it
 * was started with -i, forward this terminal's stdin through its shim (cli/shimAttach.ts),
 * with raw mode and window size when it has a tty. ctrl-p ctrl-q (or --detach-keys) detaches; otherwise exits
 * with the container's exit code.
 */
import { AnyEvent } from '../../events/all.js';
import { decode } from '../../events/codec.js';
import { ConflictError } from '../../events/errors.js';
import { OutputChunk } from '../../events/requests.js';
import { eventSubject, outputSubject } from '../../events/subjects.js';
import { connectToContainer, type GlobalOptions } from '../client.js';
import { attachTerminal, ShimConnection } from '../shimAttach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detachKeys.js';

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
    let exitCode: number | null = null;
    let outputDone = false;
    let detached = false;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => { finish = resolve; });
    const check = () => {
      if (exitCode !== null && outputDone) finish();
    };
    const output = client.nc.subscribe(outputSubject(client.host, view.id), {
      callback: (error, msg) => {
        if (error) return;
        const chunk = decode(OutputChunk, msg.data);
        if (chunk.eof) { outputDone = true; check(); return; }
        (chunk.stream === 'stderr' ? process.stderr : process.stdout).write(chunk.data ?? '');
      },
    });
    const events = client.nc.subscribe(eventSubject(client.host, 'container', view.id), {
      callback: (error, msg) => {
        if (error) return;
        const event = decode(AnyEvent, msg.data);
        if (event.type === 'container.died') {
          exitCode = event.data.exitCode;
          // the end of output is published before died; a moment for it in any case
          setTimeout(() => { outputDone = true; check(); }, 2000).unref();
        }
        check();
      },
    });
    await client.nc.flush();
    const tty = view.config.tty ?? false;
    let undo = () => {};
    const conn = stdin || tty ? await ShimConnection.connect(client.layout.shimSocket(view.id), 0) : null;
    if (conn) undo = attachTerminal(conn, { stdin, tty, detachKeys }, () => { detached = true; finish(); });
    // it may have exited between the inspect and the subscriptions
    const again = await client.request({ op: 'container.inspect', ref: view.id }).catch(() => null);
    if (!again || again.status !== 'running') {
      exitCode = again?.exitCode ?? exitCode ?? 0;
      outputDone = true;
      check();
    }
    await finished;
    undo();
    await conn?.close();
    output.unsubscribe();
    events.unsubscribe();
    return detached ? 0 : exitCode ?? 0;
  } finally {
    if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
    await client.close();
  }
}
