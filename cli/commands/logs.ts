/** `berth logs`: the container's output so far, and with -f what follows until it exits. */
import { createInbox } from '@nats-io/transport-node';
import { decode } from '../../events/codec.js';
import { OutputChunk } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';

export default async function logs(container: string, opts: { follow?: boolean }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const inbox = createInbox();
    let done: () => void = () => {};
    const ended = new Promise<void>((resolve) => { done = resolve; });
    const sub = client.nc.subscribe(inbox, {
      callback: (error, msg) => {
        if (error) return;
        const chunk = decode(OutputChunk, msg.data);
        if (chunk.eof) { done(); return; }
        (chunk.stream === 'stderr' ? process.stderr : process.stdout).write(chunk.data ?? '');
      },
    });
    await client.nc.flush();
    await client.request({ op: 'container.logs', ref: container, follow: opts.follow ?? false, inbox });
    await ended;
    sub.unsubscribe();
    return 0;
  } finally {
    await client.close();
  }
}
