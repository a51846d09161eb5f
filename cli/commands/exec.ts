/**
 * `berth exec`: run a command in a running container, print its output as it comes and exit
 * with its exit code. The exec id is chosen here, so its output and events are followed
 * before it exists.
 */
import { randomBytes } from 'node:crypto';
import { AnyEvent } from '../../events/all.js';
import { decode } from '../../events/codec.js';
import { BerthError, ExecError, ValidationError } from '../../events/errors.js';
import { OutputChunk } from '../../events/requests.js';
import { eventFilter, execOutputSubject } from '../../events/subjects.js';
import { connectToContainer, type GlobalOptions } from '../client.js';
import { parseEnv } from '../parse.js';

export interface ExecOptions {
  detach?: boolean;
  env: string[];
  workdir?: string;
  user?: string;
}

export default async function exec(container: string, command: string[], opts: ExecOptions, globals: GlobalOptions): Promise<number> {
  if (opts.workdir !== undefined && !opts.workdir.startsWith('/')) throw new ValidationError(`the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`);
  const execId = randomBytes(32).toString('hex');
  const { client, ref } = await connectToContainer(globals, container);
  const request = { op: 'container.exec' as const, ref, exec: { execId, cmd: command, env: parseEnv(opts.env), workingDir: opts.workdir ?? '', user: opts.user ?? '' } };
  try {
    if (opts.detach) {
      await client.request(request);
      return 0;
    }
    let died: { exitCode: number; error?: string } | null = null;
    let outputDone = false;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => { finish = resolve; });
    const check = () => {
      if (died && (outputDone || died.error)) finish();
    };
    const output = client.nc.subscribe(execOutputSubject(client.host, '*', execId), {
      callback: (error, msg) => {
        if (error) return;
        const chunk = decode(OutputChunk, msg.data);
        if (chunk.eof) { outputDone = true; check(); return; }
        (chunk.stream === 'stderr' ? process.stderr : process.stdout).write(chunk.data ?? '');
      },
    });
    const events = client.nc.subscribe(eventFilter(client.host, 'container'), {
      callback: (error, msg) => {
        if (error) return;
        const event = decode(AnyEvent, msg.data);
        if (event.type === 'container.exec_died' && event.data.execId === execId) {
          died = event.data;
          // a moment for output still in flight
          setTimeout(() => { outputDone = true; check(); }, 2000).unref();
          check();
        }
      },
    });
    await client.nc.flush();
    try {
      await client.request(request);
      await finished;
    } finally {
      output.unsubscribe();
      events.unsubscribe();
    }
    const result = died as { exitCode: number; error?: string } | null;
    if (result?.error) {
      if (result.exitCode === 126 || result.exitCode === 127) throw new ExecError(result.error, result.exitCode);
      throw new BerthError(result.error);
    }
    return result?.exitCode ?? 125;
  } finally {
    await client.close();
  }
}
