/** `berth logs`: the container's output so far, and with -f what follows until it exits; --details prefixes the log's attributes. */
import { randomUUID } from 'node:crypto';
import { decode } from '../../events/codec.js';
import { OutputChunk } from '../../events/requests.js';
import { ValidationError } from '../../events/errors.js';
import { connectToContainer, type GlobalOptions } from '../client.js';
import { parseTime } from '../parse.js';
import { logDetails } from '../logOptions.js';
import { logsSubject } from '../../events/subjects.js';
import { unlessDropped } from '../../client/connectionLost.js';

export interface LogsOptions {
  follow?: boolean;
  since?: string;
  until?: string;
  tail?: string;
  timestamps?: boolean;
  /** --details: the labels and env variables named by --log-opt labels=/env= before each line. */
  details?: boolean;
}

/** --since, --until and --tail as the request carries them. Pure but for the clock. */
export function logsFilter(opts: LogsOptions, now = Date.now()): { sinceMs?: number; untilMs?: number; tail?: number } {
  const out: { sinceMs?: number; untilMs?: number; tail?: number } = {};
  if (opts.since !== undefined) out.sinceMs = parseTime(opts.since, '--since', now);
  if (opts.until !== undefined) out.untilMs = parseTime(opts.until, '--until', now);
  if (opts.tail !== undefined && opts.tail !== 'all') {
    if (!/^-?\d+$/.test(opts.tail)) throw new ValidationError(`invalid value "${opts.tail}" for --tail: use a number of lines or all`);
    // Docker treats a negative --tail as all.
    if (Number(opts.tail) >= 0) out.tail = Number(opts.tail);
  }
  return out;
}

export default async function logs(container: string, opts: LogsOptions, globals: GlobalOptions): Promise<number> {
  const filter = logsFilter(opts);
  const { client, ref } = await connectToContainer(globals, container);
  try {
    let details = '';
    if (opts.details) {
      const { config } = await client.request({ op: 'container.inspect', ref });
      details = logDetails(config.logConfig, config.labels, config.env);
    }
    const inbox = logsSubject(client.host, randomUUID());
    let done: () => void = () => {};
    const ended = new Promise<void>((resolve) => { done = resolve; });
    // A reader that stops (`logs … | head`) ends the command quietly, as other tools do, not with EPIPE's stack trace.
    const readerGone = (error: NodeJS.ErrnoException) => { if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') done(); else throw error; };
    process.stdout.on('error', readerGone);
    const sub = client.nc.subscribe(inbox, {
      callback: (error, msg) => {
        if (error) return;
        const chunk = decode(OutputChunk, msg.data);
        if (chunk.eof) { done(); return; }
        const prefix = `${opts.timestamps && chunk.time ? `${chunk.time} ` : ''}${details}`;
        (chunk.stream === 'stderr' ? process.stderr : process.stdout).write(prefix + (chunk.data ?? ''));
      },
    });
    await client.nc.flush();
    await client.request({ op: 'container.logs', ref, follow: opts.follow ?? false, inbox, ...filter });
    await unlessDropped(client.nc, ended, { while: `reading the logs of ${container}`, unknown: 'the rest of its output was not seen' });
    sub.unsubscribe();
    return 0;
  } finally {
    await client.close();
  }
}
