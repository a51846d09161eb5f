/**
 * The API server answers from the daemon it runs in, not over the bus (client/bus.ts, `local`):
 * its reads and writes send nothing on the host's command subjects, they see a change made right
 * before them (read-your-writes, both ways with the CLI), and the Docker JSON is the same as
 * the views a request over NATS gets.
 */
import http from 'node:http';
import t from 'tap';
import type { Subscription } from '@nats-io/transport-node';
import { check } from '../../events/codec.js';
import { Results, type Request, type Result } from '../../events/requests.js';
import { commandSubject } from '../../events/subjects.js';
import { containerJson } from '../../client/views/inspect.js';
import { containerSummary, imageSummary } from '../../client/views/summaries.js';
import { readDaemonInfo } from '../../client/connect.js';
import { layoutFrom } from '../../runtime/layout.js';
import { startEngine } from '../helpers/engine.js';
import { dockerSocket } from '../helpers/docker.js';
import { connectEngine, send } from '../helpers/bus.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const socketPath = dockerSocket(engine);
const host = (await readDaemonInfo(layoutFrom({ root: engine.root, runRoot: engine.runRoot })))!.host;
const nc = await connectEngine(engine);
t.teardown(() => nc.close());

/** One API call: status and parsed JSON body. */
function api(method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers = json === undefined ? {} : { 'Content-Type': 'application/json' };
    const req = http.request({ socketPath, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}

/** A request's result over NATS, checked as the CLI checks it. */
async function overBus(request: Request): Promise<unknown> {
  const outcome = await send(nc, host, request);
  if (outcome.kind !== 'reply' || outcome.reply.ok !== true) throw new Error(`${request.op} over NATS: ${JSON.stringify(outcome)}`);
  return check(Results[request.op], outcome.reply.result, request.op);
}

/** Counts the requests on this host's command subjects while `body` runs. */
async function commandsDuring(body: () => Promise<void>): Promise<number> {
  let seen = 0;
  const subscriptions: Subscription[] = (['system', 'container', 'image', 'volume', 'network'] as const)
    .map((kind) => nc.subscribe(commandSubject(host, kind), { callback: () => { seen++; } }));
  await nc.flush();
  try {
    await body();
    await nc.flush();
  } finally {
    for (const s of subscriptions) s.unsubscribe();
  }
  return seen;
}

t.test('the API\'s reads and writes go to its own daemon in process, not over the command subjects', async (t) => {
  const viaCli = await commandsDuring(async () => { await engine.ok(['ps', '-a']); });
  t.ok(viaCli >= 1, `a CLI ps is seen on the command subjects (${viaCli} requests)`);
  const viaApi = await commandsDuring(async () => {
    const created = await api('POST', '/v1.43/containers/create?name=door', { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    t.equal(created.status, 201);
    t.equal((await api('GET', '/containers/json?all=1')).status, 200);
    t.equal((await api('GET', '/containers/door/json')).status, 200);
    t.equal((await api('GET', '/images/json')).status, 200);
    t.equal((await api('GET', '/version')).status, 200);
    t.equal((await api('DELETE', '/containers/door')).status, 204);
  });
  t.equal(viaApi, 0, 'no request of the API was sent over NATS');
});

t.test('read-your-writes: a change made right before a read, through the CLI or the API, is seen', async (t) => {
  const id = (await engine.ok(['create', '--name', 'ryw', 'busybox', 'sleep', '1000'])).trim();
  const inspected = await api('GET', '/containers/ryw/json');
  t.equal(inspected.status, 200);
  t.equal((inspected.body as { Id: string }).Id, id);
  await engine.ok(['rename', 'ryw', 'ryw2']);
  const listed = (await api('GET', '/containers/json?all=1')).body as Array<{ Id: string; Names: string[] }>;
  t.same(listed.find((c) => c.Id === id)?.Names, ['/ryw2']);
  t.equal((await api('GET', '/containers/ryw/json')).status, 404);
  await engine.ok(['start', 'ryw2']);
  t.equal(((await api('GET', '/containers/ryw2/json')).body as { State: { Status: string } }).State.Status, 'running');
  t.equal((await api('POST', '/containers/ryw2/kill')).status, 204);
  t.equal((await api('DELETE', '/containers/ryw2?force=1')).status, 204);
  t.equal((await engine.berth(['inspect', id])).code, 1, 'the CLI sees at once what the API removed');
  t.equal((await api('GET', `/containers/${id}/json`)).status, 404);
});

t.test('the Docker JSON is made from the same views a request over NATS gets', async (t) => {
  const running = (await engine.ok(['run', '-d', '--name', 'same-running', '-e', 'A=1', '-l', 'k=v', 'busybox', 'sleep', '1000'])).trim();
  const created = (await engine.ok(['create', '--name', 'same-created', 'busybox', 'true'])).trim();
  t.teardown(() => engine.berth(['rm', '-f', running, created]));
  for (const id of [running, created]) {
    const view = await overBus({ op: 'container.inspect', ref: id }) as Result<'container.inspect'>;
    t.same((await api('GET', `/containers/${id}/json`)).body, JSON.parse(JSON.stringify(containerJson(view))), `inspect of ${id.slice(0, 12)}`);
  }
  // The list's Status says how long ago ("Up 2 seconds"): the rest is compared.
  const withoutStatus = (rows: unknown) => (rows as Array<Record<string, unknown>>).map(({ Status: _status, ...rest }) => rest);
  const now = Date.now();
  const listed = (await overBus({ op: 'container.list', all: true }) as Result<'container.list'>).map((v) => containerSummary(v, now));
  t.same(withoutStatus((await api('GET', '/containers/json?all=1')).body), withoutStatus(JSON.parse(JSON.stringify(listed))));
  const images = await overBus({ op: 'image.list' }) as Result<'image.list'>;
  const shownImages = (await api('GET', '/images/json')).body as Array<{ Id: string }>;
  t.same(shownImages.map((i) => i.Id).sort(), images.map((i) => imageSummary(i, 0).Id).sort());
});
