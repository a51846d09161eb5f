/** `/_ping`, `/version`, `/info`, `/system/df` and `/events`. */
import os from 'node:os';
import type { ServerResponse } from 'node:http';
import { dockerAction } from '../../events/actions.js';
import { ValidationError } from '../../events/errors.js';
import type { StoredEvent } from '../../events/store.js';
import { streamEvents } from '../../client/eventLog.js';
import { eventFilters, matchesEvent } from '../../client/views/eventFilter.js';
import { eventRecord } from '../../client/views/events.js';
import { dockerInfo } from '../../client/views/info.js';
import { filterStrings } from '../filters.js';
import { sendJson, type ApiRequest } from '../http.js';
import type { Route } from '../routes.js';
import { openJsonStream, whenClientGone } from '../stream.js';
import { MAX_API_VERSION, MIN_API_VERSION } from '../versions.js';
import { dockerDiskUsage } from '../../client/views/diskUsage.js';

function pingHeaders(res: ServerResponse): void {
  res.setHeader('Api-Version', MAX_API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('OSType', 'linux');
  res.setHeader('Builder-Version', '1');
  res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
  res.setHeader('Pragma', 'no-cache');
}

/** Docker's times in events' since/until: seconds, with an optional fraction, or an RFC 3339 date. */
export function eventTime(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(`invalid time: ${value}`);
  return ms;
}

async function events(request: ApiRequest, res: ServerResponse, { client }: Parameters<Route[2]>[2]): Promise<void> {
  const filters = eventFilters(filterStrings(request.query.get('filters') ?? undefined).map((f) => {
    const eq = f.indexOf('=');
    return [f.slice(0, eq), f.slice(eq + 1)] as [string, string];
  }));
  const since = eventTime(request.query.get('since'));
  const until = eventTime(request.query.get('until'));
  const write = openJsonStream(res);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => { stop = resolve; });
  whenClientGone(request, res, stop);
  const onEvent = (stored: StoredEvent) => {
    const action = dockerAction(stored.event);
    if (action && matchesEvent(stored, action, filters)) write(eventRecord(stored, action));
  };
  const hosts = filters.get('host');
  await streamEvents(client.nc, { since, until, host: hosts?.length === 1 ? hosts[0] : undefined }, onEvent, stopped);
  res.end();
}

export const systemRoutes: Route[] = [
  [['GET', 'HEAD'], '/_ping', async (request, res) => {
    pingHeaders(res);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
    res.end(request.req.method === 'HEAD' ? undefined : 'OK');
  }],
  ['GET', '/version', async (_request, res, { client }) => {
    // The host that answers the ping (in a cluster, the socket's own while it is live) tells its kernel and architecture too:
    // a cluster's client sends info to no host unnamed.
    const ping = await client.request({ op: 'system.ping' });
    const info = await client.forHost(ping.host).request({ op: 'system.info' });
    const details = {
      ApiVersion: MAX_API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: info.architecture === 'x86_64' ? 'amd64' : info.architecture,
      KernelVersion: info.kernelVersion, GitCommit: '', GoVersion: process.version, BuildTime: '',
    };
    sendJson(res, 200, {
      Platform: { Name: 'berth' },
      Components: [{ Name: 'Engine', Version: ping.version, Details: { ...details, Experimental: 'false', Host: ping.host, Pid: String(ping.pid) } }],
      Version: ping.version,
      ...details,
    });
  }],
  ['GET', '/info', async (_request, res, { client }) => {
    // In a cluster, the info of the host that answers the ping: the socket's own while it is live.
    const info = client.isBound ? await client.request({ op: 'system.info' }) : await client.forHost((await client.request({ op: 'system.ping' })).host).request({ op: 'system.info' });
    sendJson(res, 200, {
      ...dockerInfo(info),
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['json-file'] },
      MemoryLimit: true, SwapLimit: false, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
      IPv4Forwarding: true, Debug: false, NFd: 0, NGoroutines: 0, SystemTime: new Date().toISOString(), NEventsListener: 0,
      IndexServerAddress: 'https://index.docker.io/v1/', RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: [], Mirrors: [] },
      HttpProxy: '', HttpsProxy: '', NoProxy: '', Labels: [], ExperimentalBuild: false,
      Runtimes: { berth: { path: 'berth-shim' } }, DefaultRuntime: 'berth', Swarm: { LocalNodeState: 'inactive', ControlAvailable: false, NodeID: '', NodeAddr: '' },
      LiveRestoreEnabled: true, Isolation: '', InitBinary: 'berth-init', SecurityOptions: ['name=seccomp,profile=builtin'],
      KernelMemory: false, OomKillDisable: false, Containerd: null, Warnings: [], Hostname: os.hostname(),
    });
  }],
  ['GET', '/system/df', async (_request, res, { client }) => {
    sendJson(res, 200, dockerDiskUsage(await client.request({ op: 'system.df' })));
  }],
  ['GET', '/events', events],
];
