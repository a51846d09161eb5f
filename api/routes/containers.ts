/** Containers: list, create, inspect and the verbs that answer at once (start, stop, kill, remove...). */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildCreateRequest } from '../../client/createOptions.js';
import { psFilter } from '../../client/views/ps.js';
import { containerJson } from '../../client/views/inspect.js';
import { containerSummary } from '../../client/views/summaries.js';
import { isRunning } from '../../events/containerStatus.js';
import { ValidationError } from '../../events/errors.js';
import { createOptionsFromBody } from '../createBody.js';
import { filterStrings } from '../filters.js';
import { param, queryBool, queryInt, readJson, sendEmpty, sendJson } from '../http.js';
import type { Route } from '../routes.js';
import { signalName } from '../signals.js';

/** How long a stop may take beyond its timeout before the request gives up. */
const STOP_SLACK_SECONDS = 120;

function stopTimeout(query: URLSearchParams): number {
  const t = queryInt(query, 't') ?? queryInt(query, 'timeout') ?? 10;
  return t < 0 ? 0 : t;
}

export const containerRoutes: Route[] = [
  ['GET', '/containers/json', async (request, res, { client }) => {
    const { keep, needsAll } = psFilter(filterStrings(request.query.get('filters') ?? undefined));
    const all = queryBool(request.query, 'all');
    const everything = await client.request({ op: 'container.list', all: true, size: queryBool(request.query, 'size') });
    // status and exited filters look at every container, as `ps` does.
    let views = everything.filter((v) => all || needsAll || isRunning(v.status)).filter((v) => keep(v, everything));
    const limit = queryInt(request.query, 'limit');
    if (limit !== undefined && limit > 0) views = views.slice(0, limit);
    const now = Date.now();
    sendJson(res, 200, views.map((v) => containerSummary(v, now)));
  }],
  ['POST', '/containers/create', async (request, res, { client }) => {
    const body = await readJson(request.req);
    const options = createOptionsFromBody(body, request.query.get('name') ?? undefined);
    const spec = buildCreateRequest(options);
    const target = await client.forCreate(spec.constraints ?? []);
    const created = await target.request({ op: 'container.create', spec, start: false });
    sendJson(res, 201, { Id: created.id, Warnings: created.warnings ?? [] });
  }],
  ['GET', '/containers/:id/json', async (request, res, { client }) => {
    sendJson(res, 200, containerJson(await client.request({ op: 'container.inspect', ref: param(request, 'id'), size: queryBool(request.query, 'size') })));
  }],
  ['POST', '/containers/:id/start', async (request, res, { client }) => {
    const ref = param(request, 'id');
    const view = await client.request({ op: 'container.inspect', ref });
    if (isRunning(view.status)) return sendEmpty(res, 304);
    await client.request({ op: 'container.start', ref: view.id });
    sendEmpty(res, 204);
  }],
  ['POST', '/containers/:id/stop', async (request, res, { client }) => {
    const ref = param(request, 'id');
    const view = await client.request({ op: 'container.inspect', ref });
    if (!isRunning(view.status)) return sendEmpty(res, 304);
    const timeoutSeconds = stopTimeout(request.query);
    const signal = request.query.get('signal');
    await client.request({ op: 'container.stop', ref: view.id, timeoutSeconds, ...(signal ? { signal: signalName(signal) } : {}) }, (timeoutSeconds + STOP_SLACK_SECONDS) * 1000);
    sendEmpty(res, 204);
  }],
  ['POST', '/containers/:id/restart', async (request, res, { client }) => {
    const view = await client.request({ op: 'container.inspect', ref: param(request, 'id') });
    const timeoutSeconds = stopTimeout(request.query);
    if (isRunning(view.status)) await client.request({ op: 'container.stop', ref: view.id, timeoutSeconds }, (timeoutSeconds + STOP_SLACK_SECONDS) * 1000);
    await client.request({ op: 'container.start', ref: view.id });
    sendEmpty(res, 204);
  }],
  ['POST', '/containers/:id/kill', async (request, res, { client }) => {
    await client.request({ op: 'container.kill', ref: param(request, 'id'), signal: signalName(request.query.get('signal') || 'KILL') });
    sendEmpty(res, 204);
  }],
  ['POST', '/containers/:id/pause', async (request, res, { client }) => {
    await client.request({ op: 'container.pause', ref: param(request, 'id') });
    sendEmpty(res, 204);
  }],
  ['POST', '/containers/:id/unpause', async (request, res, { client }) => {
    await client.request({ op: 'container.unpause', ref: param(request, 'id') });
    sendEmpty(res, 204);
  }],
  ['POST', '/containers/:id/rename', async (request, res, { client }) => {
    const name = request.query.get('name');
    if (!name) throw new ValidationError('rename: a new name is needed');
    await client.request({ op: 'container.rename', ref: param(request, 'id'), name: name.replace(/^\//, '') });
    sendEmpty(res, 204);
  }],
  ['DELETE', '/containers/:id', async (request, res, { client }) => {
    await client.request({ op: 'container.remove', ref: param(request, 'id'), force: queryBool(request.query, 'force'), volumes: queryBool(request.query, 'v') });
    sendEmpty(res, 204);
  }],
  ['GET', '/containers/:id/top', async (request, res, { client }) => {
    const rows = await client.request({ op: 'container.top', ref: param(request, 'id') });
    sendJson(res, 200, {
      Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      Processes: rows.map((p) => [String(p.uid), String(p.pid), String(p.ppid), '0', '', '?', `${Math.floor(p.ticks / 100)}`, p.cmd]),
    });
  }],
  ['GET', '/containers/:id/changes', async (request, res, { client }) => {
    const { changes } = await client.request({ op: 'container.diff', ref: param(request, 'id') });
    sendJson(res, 200, changes.map((c) => ({ Path: c.path, Kind: { C: 0, A: 1, D: 2 }[c.kind] })));
  }],
  ['GET', '/containers/:id/export', async (request, res, { client }) => {
    const file = path.join(client.layout.tmpDir, `api-export-${randomUUID()}.tar`);
    try {
      await client.request({ op: 'container.export', ref: param(request, 'id'), path: file }, 60 * 60_000);
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      await new Promise<void>((resolve, reject) => {
        fs.createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('close', resolve);
      });
    } finally {
      await fs.promises.rm(file, { force: true });
    }
  }],
  ['POST', '/containers/prune', async (_request, res, { client }) => {
    const pruned = await client.request({ op: 'container.prune' });
    sendJson(res, 200, { ContainersDeleted: pruned.removed ?? [], SpaceReclaimed: pruned.reclaimedBytes ?? 0 });
  }],
];
