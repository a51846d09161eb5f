/** `berth info` / `berth system info`: the engine and the machine, as Docker prints them. */
import type { InfoView } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { render } from '../../events/template.js';
import { parseTemplate } from '../../events/templateParse.js';
import { dockerInfo } from '../../client/views/info.js';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2).replace(/\.?0+$/, '')}GiB`;

/** `data-root=flag bridge=env labels=file`: the settings not left at their default, by source. */
export function settingSources(sources: Record<string, string>): string {
  const given = Object.entries(sources).filter(([, source]) => source !== 'default');
  return given.length ? given.map(([key, source]) => `${key}=${source}`).join(' ') : 'defaults';
}

export function infoText(info: InfoView): string {
  return [
    'Server:',
    ` Containers: ${info.containers}`,
    `  Running: ${info.containersRunning}`,
    `  Paused: ${info.containersPaused}`,
    `  Stopped: ${info.containersStopped}`,
    ` Images: ${info.images}`,
    ` Volumes: ${info.volumes}`,
    ` Server Version: ${info.serverVersion}`,
    ' Storage Driver: overlay',
    ` Logging Driver: ${info.loggingDriver ?? 'json-file'}`,
    ' Cgroup Driver: cgroupfs',
    ` Cgroup Version: ${info.cgroupVersion}`,
    ' Event Log: NATS JetStream',
    ...(info.durability ? [` Durability: ${info.durability.guarantee}`] : []),
    ` Kernel Version: ${info.kernelVersion}`,
    ` Operating System: ${info.operatingSystem}`,
    ' OSType: linux',
    ` Architecture: ${info.architecture}`,
    ` CPUs: ${info.cpus}`,
    ` Total Memory: ${gib(info.memoryBytes)}`,
    ` Name: ${info.name}`,
    ` ID: ${info.id}`,
    ` Root Dir: ${info.rootDir}`,
    ` Run Root: ${info.runRoot}`,
    ` Daemon Pid: ${info.pid}`,
    ` Config File: ${info.configFile ?? 'none'}`,
    ` Settings From: ${settingSources(info.settingSources)}`,
    '',
  ].join('\n');
}

export default async function info(opts: { format?: string }, globals: GlobalOptions): Promise<number> {
  const template = opts.format && opts.format !== 'json' ? parseTemplate(opts.format) : null;
  const client = await connectClient(globals);
  try {
    const view = await client.request({ op: 'system.info' });
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(dockerInfo(view))}\n`);
    else if (template) process.stdout.write(`${render(template, dockerInfo(view) as Parameters<typeof render>[1])}\n`);
    else process.stdout.write(infoText(view));
    return 0;
  } finally {
    await client.close();
  }
}
