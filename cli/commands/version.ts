/** `berth version`: the client's version and, when a daemon answers, the daemon's. */
import fs from 'node:fs/promises';
import { BerthError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { render } from '../../events/template.js';
import { parseTemplate } from '../../events/templateParse.js';

/** The version in berth's package.json, found upwards from this module (bundled into dist/cli/main.js or not). */
async function clientVersion(): Promise<string> {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const found = await fs.readFile(new URL('package.json', dir), 'utf8').then((text) => JSON.parse(text) as { name?: string; version?: string }, () => null);
    if (found?.name === 'berth' && found.version) return found.version;
    if (dir.pathname === '/') return 'unknown';
  }
}

export interface VersionInfo {
  Client: { Version: string; NodeVersion: string; Os: string; Arch: string };
  Server: { Version: string; Host: string; Pid: number } | null;
}

export function versionText(info: VersionInfo): string {
  const lines = ['Client:', `  Version:     ${info.Client.Version}`, `  Node:        ${info.Client.NodeVersion}`, `  OS/Arch:     ${info.Client.Os}/${info.Client.Arch}`];
  if (info.Server) lines.push('', 'Server: berthd', `  Version:     ${info.Server.Version}`, `  Host:        ${info.Server.Host}`, `  Pid:         ${info.Server.Pid}`);
  return `${lines.join('\n')}\n`;
}

export default async function version(opts: { format?: string }, globals: GlobalOptions): Promise<number> {
  const info: VersionInfo = {
    Client: { Version: await clientVersion(), NodeVersion: process.version, Os: process.platform, Arch: process.arch },
    Server: null,
  };
  const template = opts.format && opts.format !== 'json' ? parseTemplate(opts.format) : null;
  let failure: Error | null = null;
  try {
    const client = await connectClient(globals);
    try {
      const ping = await client.request({ op: 'system.ping' }, 5000);
      info.Server = { Version: ping.version, Host: ping.host, Pid: ping.pid };
    } finally {
      await client.close();
    }
  } catch (error) {
    failure = error as Error;
  }
  if (opts.format === 'json') process.stdout.write(`${JSON.stringify(info)}\n`);
  else if (template) process.stdout.write(`${render(template, info)}\n`);
  else process.stdout.write(versionText(info));
  // As Docker: the client part is printed, and an unreachable daemon is an error after it.
  if (failure) throw failure instanceof BerthError ? failure : new BerthError(failure.message);
  return 0;
}
