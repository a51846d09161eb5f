/** Volumes: list, create, inspect, remove, prune. */
import * as z from 'zod';
import { volumeJson } from '../../client/views/volume.js';
import { ValidationError } from '../../events/errors.js';
import { filterStrings, filterValues } from '../filters.js';
import { checkBody, param, queryBool, readJson, sendEmpty, sendJson } from '../http.js';
import type { Route } from '../routes.js';

const VolumeBody = z.object({
  Name: z.string().nullish(),
  Driver: z.string().nullish(),
  DriverOpts: z.record(z.string(), z.string()).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
}).passthrough();

export const volumeRoutes: Route[] = [
  ['GET', '/volumes', async (request, res, { client }) => {
    const filters = filterStrings(request.query.get('filters') ?? undefined);
    const names = filterValues(filters, 'name');
    const dangling = filterValues(filters, 'dangling')[0];
    const volumes = (await client.request({ op: 'volume.list' }))
      .filter((v) => !names.length || names.some((n) => v.name.includes(n)))
      .filter((v) => dangling === undefined || (dangling === 'true' || dangling === '1') === (v.users.length === 0));
    sendJson(res, 200, { Volumes: volumes.map(volumeJson), Warnings: [] });
  }],
  ['POST', '/volumes/create', async (request, res, { client }) => {
    const body = checkBody(VolumeBody, await readJson(request.req), 'volume');
    if (body.Driver && body.Driver !== 'local') throw new ValidationError(`volume driver ${body.Driver} is not supported: only local`);
    const view = await client.request({ op: 'volume.create', ...(body.Name ? { name: body.Name } : {}), labels: body.Labels ?? {}, options: body.DriverOpts ?? {} });
    sendJson(res, 201, volumeJson(view));
  }],
  ['POST', '/volumes/prune', async (request, res, { client }) => {
    const filters = filterStrings(request.query.get('filters') ?? undefined);
    const all = filterValues(filters, 'all').some((v) => v === 'true' || v === '1');
    const pruned = await client.request({ op: 'volume.prune', all, labels: filterValues(filters, 'label') });
    sendJson(res, 200, { VolumesDeleted: pruned.removed, SpaceReclaimed: pruned.reclaimedBytes });
  }],
  ['GET', '/volumes/:name', async (request, res, { client }) => {
    sendJson(res, 200, volumeJson(await client.request({ op: 'volume.inspect', name: param(request, 'name') })));
  }],
  ['DELETE', '/volumes/:name', async (request, res, { client }) => {
    await client.request({ op: 'volume.remove', name: param(request, 'name'), force: queryBool(request.query, 'force') });
    sendEmpty(res, 204);
  }],
];
