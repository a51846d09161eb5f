/** Networks: list, inspect, create, remove, connect, disconnect, prune. */
import * as z from 'zod';
import { builtinNetworks, networkJson } from '../../client/views/network.js';
import { subnetFlags } from '../../client/subnetFlags.js';
import { filterStrings, filterValues } from '../filters.js';
import { checkBody, param, readJson, sendEmpty, sendJson } from '../http.js';
import type { Route } from '../routes.js';

const NetworkBody = z.object({
  Name: z.string().min(1),
  Driver: z.string().nullish(),
  Internal: z.boolean().nullish(),
  EnableIPv6: z.boolean().nullish(),
  IPAM: z.object({ Config: z.array(z.object({ Subnet: z.string().optional(), Gateway: z.string().optional() })).nullish() }).nullish(),
  Options: z.record(z.string(), z.string()).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
}).passthrough();

const ConnectBody = z.object({
  Container: z.string().min(1),
  EndpointConfig: z.object({ Aliases: z.array(z.string()).nullish(), IPAMConfig: z.object({ IPv4Address: z.string().optional(), IPv6Address: z.string().optional() }).nullish() }).passthrough().nullish(),
  Force: z.boolean().nullish(),
}).passthrough();

export const networkRoutes: Route[] = [
  ['GET', '/networks', async (request, res, { client }) => {
    const filters = filterStrings(request.query.get('filters') ?? undefined);
    const names = filterValues(filters, 'name');
    const ids = filterValues(filters, 'id');
    const drivers = filterValues(filters, 'driver');
    const networks = builtinNetworks(await client.request({ op: 'network.list' }), client.isBound ? client.host : '')
      .filter((n) => !names.length || names.some((v) => n.name.includes(v)))
      .filter((n) => !ids.length || ids.some((v) => n.id.startsWith(v)))
      .filter((n) => !drivers.length || drivers.includes(n.driver));
    sendJson(res, 200, networks.map(networkJson));
  }],
  ['POST', '/networks/create', async (request, res, { client }) => {
    const body = checkBody(NetworkBody, await readJson(request.req), 'network');
    const configs = body.IPAM?.Config ?? [];
    const addressing = subnetFlags(configs.flatMap((c) => (c.Subnet ? [c.Subnet] : [])), configs.flatMap((c) => (c.Gateway ? [c.Gateway] : [])), body.EnableIPv6 ?? false);
    const view = await client.request({
      op: 'network.create', name: body.Name, driver: body.Driver || 'bridge', internal: body.Internal ?? false, ...addressing,
      labels: body.Labels ?? {}, options: body.Options ?? {},
    });
    sendJson(res, 201, { Id: view.id, Warning: '' });
  }],
  ['POST', '/networks/prune', async (request, res, { client }) => {
    const pruned = await client.request({ op: 'network.prune', labels: filterValues(filterStrings(request.query.get('filters') ?? undefined), 'label') });
    sendJson(res, 200, { NetworksDeleted: pruned.removed });
  }],
  ['GET', '/networks/:id', async (request, res, { client }) => {
    const ref = param(request, 'id');
    const builtin = builtinNetworks([], client.isBound ? client.host : '').find((n) => n.name === ref || n.id === ref);
    sendJson(res, 200, networkJson(builtin ?? await client.request({ op: 'network.inspect', ref })));
  }],
  ['DELETE', '/networks/:id', async (request, res, { client }) => {
    await client.request({ op: 'network.remove', ref: param(request, 'id') });
    sendEmpty(res, 204);
  }],
  ['POST', '/networks/:id/connect', async (request, res, { client }) => {
    const body = checkBody(ConnectBody, await readJson(request.req), 'connect request');
    const ip = body.EndpointConfig?.IPAMConfig?.IPv4Address;
    const ip6 = body.EndpointConfig?.IPAMConfig?.IPv6Address;
    await client.request({ op: 'network.connect', ref: param(request, 'id'), container: body.Container, aliases: body.EndpointConfig?.Aliases ?? [], ...(ip ? { ip } : {}), ...(ip6 ? { ip6 } : {}) });
    sendEmpty(res, 200);
  }],
  ['POST', '/networks/:id/disconnect', async (request, res, { client }) => {
    const body = checkBody(ConnectBody, await readJson(request.req), 'disconnect request');
    await client.request({ op: 'network.disconnect', ref: param(request, 'id'), container: body.Container, force: body.Force ?? false });
    sendEmpty(res, 200);
  }],
];
