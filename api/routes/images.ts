/**
 * Images: list, inspect, history, tag, remove, prune; create (= pull, with Docker's JSON
 * progress stream; or import with fromSrc=-), push, save (get), load, and commit (POST /commit,
 * a container's changes as an image). A name may hold slashes, so `/images/*` is split by its
 * last word here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { ServerResponse } from 'node:http';
import { followProgress } from '../../client/progressInbox.js';
import { imageJson } from '../../client/views/inspect.js';
import { imageSummary } from '../../client/views/summaries.js';
import { listedImages } from '../../client/views/intermediate.js';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import type { Progress } from '../../events/requests.js';
import type { ApiContext } from '../context.js';
import { commitBody } from '../commitBody.js';
import { commitQuery } from '../commitQuery.js';
import { filterStrings, filterValues } from '../filters.js';
import { HttpError, queryBool, readJson, sendJson, type ApiRequest } from '../http.js';
import type { Route } from '../routes.js';
import { openJsonStream } from '../stream.js';
import { sendFile, withBodyFile } from '../files.js';

const LONG_MS = 60 * 60_000;

const PROGRESS_WORDS: Record<Progress['status'], string> = {
  waiting: 'Waiting', exists: 'Already exists', downloading: 'Downloading', extracting: 'Extracting', done: 'Pull complete',
  pushing: 'Pushing', pushed: 'Pushed', loading: 'Loading layer', loaded: 'Loaded', saving: 'Saving', saved: 'Saved',
  writing: 'Writing', written: 'Written',
};

/** Docker's progress line of one layer. */
function progressLine(update: Progress): Record<string, unknown> {
  return {
    status: PROGRESS_WORDS[update.status],
    id: update.layer.replace(/^sha256:/, '').slice(0, 12),
    ...(update.total ? { progressDetail: { current: update.bytes, total: update.total } } : { progressDetail: {} }),
  };
}

async function pull(request: ApiRequest, res: ServerResponse, context: ApiContext): Promise<void> {
  const { client } = context;
  const fromImage = request.query.get('fromImage');
  const fromSrc = request.query.get('fromSrc');
  const tag = request.query.get('tag');
  if (fromSrc === '-') {
    const repo = request.query.get('repo');
    const ref = repo ? `${repo}${tag ? `:${tag}` : ''}` : undefined;
    const changes = request.query.getAll('changes');
    const message = request.query.get('message') ?? undefined;
    const { id } = await withBodyFile(request, context, (file) => client.request({ op: 'image.import', path: file, ...(ref ? { ref } : {}), ...(changes.length ? { changes } : {}), ...(message ? { message } : {}) }, LONG_MS));
    return sendJson(res, 200, { status: `sha256:${id.replace(/^sha256:/, '')}` });
  }
  if (!fromImage) throw new ValidationError('fromImage or fromSrc is needed');
  const ref = tag && !fromImage.includes('@') ? (tag.startsWith('sha256:') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`) : fromImage;
  const write = openJsonStream(res);
  write({ status: `Pulling from ${fromImage}`, id: tag || 'latest' });
  const progress = await followProgress(client, { update: (update) => write(progressLine(update)), stop: () => {} });
  try {
    const result = await client.request({ op: 'image.pull', ref, ...(request.query.get('platform') ? { platform: request.query.get('platform')! } : {}), progress: progress.inbox }, LONG_MS);
    await progress.finish();
    write({ status: `Digest: ${result.digest}` });
    write({ status: result.already ? `Status: Image is up to date for ${ref}` : `Status: Downloaded newer image for ${ref}` });
  } catch (error) {
    await progress.finish();
    const message = (error as Error).message;
    write({ errorDetail: { message }, error: message });
  }
  res.end();
}

async function push(request: ApiRequest, res: ServerResponse, { client }: ApiContext, name: string): Promise<void> {
  const tag = request.query.get('tag');
  const ref = tag ? `${name}:${tag}` : name;
  const write = openJsonStream(res);
  write({ status: `The push refers to repository [${name}]` });
  const progress = await followProgress(client, { update: (update) => write(progressLine(update)), stop: () => {} });
  try {
    const result = await client.request({ op: 'image.push', ref, allTags: !tag && !name.includes(':'), progress: progress.inbox }, LONG_MS);
    await progress.finish();
    for (const pushed of result.pushes) {
      write({ status: `${pushed.tag}: digest: ${pushed.digest} size: ${pushed.size}` });
      write({ progressDetail: {}, aux: { Tag: pushed.tag, Digest: pushed.digest, Size: pushed.size } });
    }
  } catch (error) {
    await progress.finish();
    const message = (error as Error).message;
    write({ errorDetail: { message }, error: message });
  }
  res.end();
}

async function save(res: ServerResponse, { client }: ApiContext, refs: string[]): Promise<void> {
  if (!refs.length) throw new ValidationError('no image named');
  const file = path.join(client.layout.tmpDir, `api-save-${randomUUID()}.tar`);
  await client.request({ op: 'image.save', refs, path: file, format: 'docker-archive' }, LONG_MS);
  await sendFile(res, file, 'application/x-tar');
}

/** `/images/NAME/ACTION`, where NAME may hold slashes. */
function nameAndAction(request: ApiRequest): { name: string; what: string } {
  const rest = request.params['*'] ?? '';
  const slash = rest.lastIndexOf('/');
  if (slash <= 0) throw new HttpError(404, 'page not found');
  return { name: rest.slice(0, slash), what: rest.slice(slash + 1) };
}

/** `GET /images/{name}/json|history|get`. */
async function getByName(request: ApiRequest, res: ServerResponse, context: ApiContext): Promise<void> {
  const { name, what } = nameAndAction(request);
  const { client } = context;
  if (what === 'json') return sendJson(res, 200, imageJson(await client.request({ op: 'image.inspect', ref: name }), { containerConfig: true }));
  if (what === 'history') {
    const view = await client.request({ op: 'image.inspect', ref: name });
    const steps = [...(view.history ?? [])].reverse();
    return sendJson(res, 200, steps.map((step, i) => ({
      Id: i === 0 ? `sha256:${view.id}` : '<missing>', Created: step.created ? Math.floor(Date.parse(step.created) / 1000) : 0,
      CreatedBy: step.createdBy ?? '', Tags: i === 0 ? view.tags : null, Size: 0, Comment: step.comment ?? '',
    })));
  }
  if (what === 'get') return save(res, context, [name]);
  throw new HttpError(404, 'page not found');
}

/** `POST /images/{name}/tag|push`. */
async function postByName(request: ApiRequest, res: ServerResponse, context: ApiContext): Promise<void> {
  const { name, what } = nameAndAction(request);
  if (what === 'tag') {
    const repo = request.query.get('repo');
    if (!repo) throw new ValidationError('repository name is needed');
    const tag = request.query.get('tag');
    await context.client.request({ op: 'image.tag', source: name, target: tag ? `${repo}:${tag}` : repo });
    res.writeHead(201);
    res.end();
    return;
  }
  if (what === 'push') return push(request, res, context, name);
  throw new HttpError(404, 'page not found');
}

/** A container's changes as a new image (testcontainers' commit(), docker commit), the body's Config merged in: 201 with its id. */
async function commit(request: ApiRequest, res: ServerResponse, { client }: ApiContext): Promise<void> {
  const config = commitBody(await readJson(request.req));
  const { id } = await client.request({ op: 'container.commit', ...commitQuery(request.query), ...(config ? { config } : {}) }, LONG_MS);
  sendJson(res, 201, { Id: `sha256:${id.replace(/^sha256:/, '')}` });
}

export const imageRoutes: Route[] = [
  ['POST', '/commit', commit],
  ['GET', '/images/json', async (request, res, { client }) => {
    const filters = filterStrings(request.query.get('filters') ?? undefined);
    const references = [...filterValues(filters, 'reference'), ...request.query.getAll('filter')];
    const dangling = filterValues(filters, 'dangling')[0];
    const [images, containers] = await Promise.all([client.request({ op: 'image.list' }), client.request({ op: 'container.list', all: true })]);
    const used = (id: string) => containers.filter((c) => c.config.image === id).length;
    const matches = (tag: string, pattern: string) => {
      const withTag = pattern.includes(':') ? pattern : `${pattern}:*`;
      const re = new RegExp(`^(docker\\.io/)?(library/)?${withTag.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
      return re.test(tag);
    };
    // Intermediate images only with all, and never with dangling=true (Docker's image heads).
    const shown = listedImages(images, queryBool(request.query, 'all') && dangling !== 'true' && dangling !== '1')
      .filter((i) => !references.length || i.tags.some((t) => references.some((r) => matches(t, r))))
      .filter((i) => dangling === undefined || (dangling === 'true' || dangling === '1') === (i.tags.length === 0));
    sendJson(res, 200, shown.map((i) => imageSummary(i, used(i.id))));
  }],
  ['GET', '/images/get', async (request, res, context) => save(res, context, request.query.getAll('names'))],
  ['POST', '/images/create', pull],
  ['POST', '/images/load', async (request, res, context) => {
    const { images } = await withBodyFile(request, context, (file) => context.client.request({ op: 'image.load', path: file }, LONG_MS));
    const lines = images.flatMap((i) => (i.tags.length ? i.tags.map((t) => `Loaded image: ${t}\n`) : [`Loaded image ID: sha256:${i.id.replace(/^sha256:/, '')}\n`]));
    if (queryBool(request.query, 'quiet')) return sendJson(res, 200, { stream: lines.join('') });
    const write = openJsonStream(res);
    for (const line of lines) write({ stream: line });
    res.end();
  }],
  ['POST', '/images/prune', async (request, res, { client }) => {
    const filters = filterStrings(request.query.get('filters') ?? undefined);
    const all = filterValues(filters, 'dangling').some((v) => v === 'false' || v === '0');
    const pruned = await client.request({ op: 'image.prune', all });
    sendJson(res, 200, {
      ImagesDeleted: [...pruned.untagged.map((t) => ({ Untagged: t })), ...pruned.deleted.map((d) => ({ Deleted: d }))],
      SpaceReclaimed: pruned.reclaimedBytes,
    });
  }],
  ['GET', '/images/*', getByName],
  ['POST', '/images/*', postByName],
  ['DELETE', '/images/*', async (request, res, { client }) => {
    const name = request.params['*'];
    if (!name) throw new NotFoundError('No such image: ');
    const before = await client.request({ op: 'image.inspect', ref: name });
    await client.request({ op: 'image.remove', ref: name, force: queryBool(request.query, 'force') });
    const after = await client.request({ op: 'image.inspect', ref: before.id }).catch(() => null);
    sendJson(res, 200, [...(before.tags.includes(name) || !name.match(/^[a-f0-9]+$/) ? [{ Untagged: name }] : []), ...(after ? [] : [{ Deleted: `sha256:${before.id}` }])]);
  }],
];
