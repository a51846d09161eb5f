/** The output of several containers at once, each through its own logs inbox, printed by a LogPrinter; resolves when every one has ended. */
import { randomUUID } from 'node:crypto';
import { decode } from '../events/codec.js';
import { OutputChunk } from '../events/requests.js';
import { logsSubject } from '../events/subjects.js';
import type { EngineClient } from '../client/engineClient.js';
import type { LogPrinter } from './composeLogPrinter.js';
import { unlessDropped } from '../client/connectionLost.js';

export async function streamLogs(client: EngineClient, containers: Array<{ id: string; label: string }>, opts: { follow: boolean; tail?: number }, printer: LogPrinter): Promise<void> {
  await Promise.all(containers.map(async ({ id, label }) => {
    const inbox = logsSubject(client.host, randomUUID());
    let done: () => void = () => {};
    const ended = new Promise<void>((resolve) => { done = resolve; });
    const sub = client.nc.subscribe(inbox, {
      callback: (error, msg) => {
        if (error) return;
        const chunk = decode(OutputChunk, msg.data);
        if (chunk.eof) { printer.flush(label); done(); return; }
        printer.write(label, chunk.stream ?? 'stdout', chunk.data ?? '');
      },
    });
    await client.nc.flush();
    await client.request({ op: 'container.logs', ref: id, follow: opts.follow, inbox, ...(opts.tail !== undefined ? { tail: opts.tail } : {}) });
    await unlessDropped(client.nc, ended, { while: `reading the logs of ${label}`, unknown: 'the rest of its output was not seen' });
    sub.unsubscribe();
  }));
}
