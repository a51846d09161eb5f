/** Containers' streams: attach (hijacked or not), logs, wait and stats. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { followContainer } from '../../client/followContainer.js';
import { dockerStats } from '../../client/views/stats.js';
import { parseWaitCondition, waitForContainer } from '../../client/waitContainer.js';
import { decode } from '../../events/codec.js';
import { OutputChunk, type StatsView } from '../../events/requests.js';
import { logsSubject } from '../../events/subjects.js';
import { isRunning } from '../../events/containerStatus.js';
import { ConflictError, UnsupportedError } from '../../events/errors.js';
import { logDriverReads } from '../../events/logDrivers.js';
import { AttachInput } from '../attachInput.js';
import { MAX_JSON_BODY, param, queryBool, sendEmpty, sendJson, type ApiRequest } from '../http.js';
import { readUpgradeBody } from '../upgradeBody.js';
import { resizeTerminal } from '../resize.js';
import type { Route } from '../routes.js';
import { outputBytes } from '../stdcopy.js';
import { MULTIPLEXED_STREAM, RAW_STREAM, openJsonStream, openStream, whenClientGone } from '../stream.js';
import { eventTime } from './system.js';
import type { ApiContext } from '../context.js';

/** Settles when the client goes away. */
function clientGone(request: ApiRequest, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => whenClientGone(request, res, resolve));
}

async function attach(request: ApiRequest, res: ServerResponse, { client }: ApiContext): Promise<void> {
  const view = await client.request({ op: 'container.inspect', ref: param(request, 'id') });
  const tty = view.config.tty ?? false;
  const wanted = { stdout: queryBool(request.query, 'stdout'), stderr: queryBool(request.query, 'stderr') };
  let out: NodeJS.WritableStream | null = null;
  const pending: Buffer[] = [];
  // Subscribed before the 101 goes out: the client starts the container once it has it.
  // Only what is written from now on: the output subject replays earlier runs (a second start -a).
  const follow = await followContainer(client.nc, { host: view.host, container: view.id, outputSince: Date.now() - 5 }, (stream, data) => {
    if (!wanted[stream]) return;
    const bytes = outputBytes(stream, data, tty);
    if (out) out.write(bytes); else pending.push(bytes);
  });
  out = openStream(request, res, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
  for (const bytes of pending) out.write(bytes);
  // stdin goes to the shim once it answers (a container attached before its start has none yet).
  // A request body (dockerode sends its options as one) is not stdin: stdin is what follows it.
  const stdin = request.upgrade && queryBool(request.query, 'stdin') && view.config.openStdin
    ? (await readUpgradeBody(request.req, request.upgrade, MAX_JSON_BODY)).rest
    : null;
  const input = request.upgrade && stdin ? new AttachInput(client.layout.shimSocket(view.id), request.upgrade.socket, stdin, tty) : null;
  // As Docker: a stopped container's attach waits for its next start (start -a attaches first).
  if (!queryBool(request.query, 'stream', true)) follow.exited(view.exitCode);
  await Promise.race([follow.ended, clientGone(request, res)]);
  follow.close();
  await input?.close();
  out.end();
}

/** `resize` of a container's terminal (h, w): through its shim, as `berth run -t` does. */
async function resize(request: ApiRequest, res: ServerResponse, { client }: ApiContext): Promise<void> {
  const view = await client.request({ op: 'container.inspect', ref: param(request, 'id') });
  if (!isRunning(view.status)) throw new ConflictError(`cannot resize a stopped container: ${view.id}`);
  await resizeTerminal(client.layout.shimSocket(view.id), request.query);
  sendEmpty(res, 200);
}

async function logs(request: ApiRequest, res: ServerResponse, { client }: ApiContext): Promise<void> {
  const view = await client.request({ op: 'container.inspect', ref: param(request, 'id') });
  // Before the stream's 200: dockerd answers 501 for a driver it cannot read (none).
  if (!logDriverReads(view.config.logConfig)) throw new UnsupportedError('configured logging driver does not support reading');
  const tty = view.config.tty ?? false;
  const wanted = { stdout: queryBool(request.query, 'stdout'), stderr: queryBool(request.query, 'stderr') };
  const timestamps = queryBool(request.query, 'timestamps');
  const tail = request.query.get('tail');
  const since = eventTime(request.query.get('since'));
  const until = eventTime(request.query.get('until'));
  const inbox = logsSubject(view.host, randomUUID());
  let done: () => void = () => {};
  const ended = new Promise<void>((resolve) => { done = resolve; });
  let out: ServerResponse | null = null;
  const sub = client.nc.subscribe(inbox, {
    callback: (error, msg) => {
      if (error) return;
      const chunk = decode(OutputChunk, msg.data);
      if (chunk.eof) { done(); return; }
      const stream = chunk.stream ?? 'stdout';
      if (!wanted[stream]) return;
      out?.write(outputBytes(stream, `${timestamps && chunk.time ? `${chunk.time} ` : ''}${chunk.data ?? ''}`, tty));
    },
  });
  try {
    await client.nc.flush();
    const follow = queryBool(request.query, 'follow');
    res.writeHead(200, { 'Content-Type': tty ? RAW_STREAM : MULTIPLEXED_STREAM });
    res.flushHeaders();
    out = res;
    await client.request({
      op: 'container.logs', ref: view.id, follow, inbox,
      ...(since ? { sinceMs: since } : {}), ...(until ? { untilMs: until } : {}),
      ...(tail && tail !== 'all' && Number(tail) >= 0 ? { tail: Number(tail) } : {}),
    });
    await Promise.race([ended, clientGone(request, res)]);
  } finally {
    sub.unsubscribe();
    res.end();
  }
}

async function wait(request: ApiRequest, res: ServerResponse, { client }: ApiContext): Promise<void> {
  const condition = parseWaitCondition(request.query.get('condition') || 'not-running');
  const ref = param(request, 'id');
  // The headers go once the wait listens, as Docker's go once its waiter is registered: a
  // client (docker run --rm) starts the container only then, and no exit can be missed. A
  // missing container is an error status before them.
  const headers = () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
  };
  try {
    const code = await waitForContainer(client, ref, condition, { stopped: clientGone(request, res), listening: headers });
    headers();
    if (code !== null) res.end(`${JSON.stringify({ StatusCode: code, Error: null })}\n`);
  } catch (error) {
    if (!res.headersSent) throw error;
    res.end(`${JSON.stringify({ StatusCode: -1, Error: { Message: (error as Error).message } })}\n`);
  }
}

/** How long apart two readings are (Docker samples about once a second). */
const STATS_INTERVAL_MS = 1000;

async function stats(request: ApiRequest, res: ServerResponse, { client }: ApiContext): Promise<void> {
  const ref = param(request, 'id');
  const read = async (): Promise<StatsView | undefined> => (await client.request({ op: 'container.stats', refs: [ref] }))[0];
  let before = await read();
  if (!before) {
    // Not running: Docker answers with a zero reading.
    const view = await client.request({ op: 'container.inspect', ref });
    before = { id: view.id, name: view.config.name, read: Date.now(), memoryUsage: 0, memoryLimit: null, cpuUsageNs: 0, pids: 0, pidsLimit: null, ioReadBytes: 0, ioWriteBytes: 0, onlineCpus: 0 };
  }
  if (!queryBool(request.query, 'stream', true)) {
    if (queryBool(request.query, 'one-shot')) return sendJson(res, 200, dockerStats(before, undefined));
    await new Promise((resolve) => setTimeout(resolve, STATS_INTERVAL_MS / 2));
    return sendJson(res, 200, dockerStats((await read()) ?? before, before));
  }
  const write = openJsonStream(res);
  let gone = false;
  whenClientGone(request, res, () => { gone = true; });
  write(dockerStats(before, undefined));
  while (!gone) {
    await new Promise((resolve) => setTimeout(resolve, STATS_INTERVAL_MS));
    const now = await read().catch(() => undefined);
    if (!now) break;
    write(dockerStats(now, before));
    before = now;
  }
  res.end();
}

export const containerStreamRoutes: Route[] = [
  ['POST', '/containers/:id/attach', attach],
  ['POST', '/containers/:id/resize', resize],
  ['GET', '/containers/:id/logs', logs],
  ['POST', '/containers/:id/wait', wait],
  ['GET', '/containers/:id/stats', stats],
];
