/** `berth inspect`: containers and images as Docker-shaped JSON. */
import { NotFoundError, ValidationError } from '../../events/errors.js';
import type { ContainerView, ImageView } from '../../events/requests.js';
import { connectClient, type Client, type GlobalOptions } from '../client.js';

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '0001-01-01T00:00:00Z');

export function containerJson(v: ContainerView): object {
  return {
    Id: v.id,
    Name: `/${v.config.name}`,
    Created: iso(v.created),
    Path: v.config.cmd[0],
    Args: v.config.cmd.slice(1),
    State: {
      Status: v.status,
      Running: v.status === 'running' || v.status === 'stopping',
      Paused: false,
      Restarting: false,
      OOMKilled: v.oomKilled,
      Dead: v.status === 'dead',
      Pid: v.pid ?? 0,
      ExitCode: v.exitCode ?? 0,
      Error: v.error ?? '',
      StartedAt: iso(v.startedAt),
      FinishedAt: iso(v.finishedAt),
    },
    Image: `sha256:${v.config.image}`,
    Host: v.host,
    Config: {
      Hostname: v.config.hostname,
      Env: v.config.env,
      Cmd: v.config.cmd,
      Image: v.config.imageRef,
      WorkingDir: v.config.workingDir,
      Labels: v.config.labels,
    },
    HostConfig: {
      Memory: v.config.memoryBytes ?? 0,
      PidsLimit: v.config.pidsLimit ?? null,
      AutoRemove: v.config.autoRemove,
    },
  };
}

export function imageJson(v: ImageView): object {
  return {
    Id: `sha256:${v.id}`,
    RepoTags: v.tags,
    Created: v.created,
    Size: v.size,
    Config: { Env: v.env, Cmd: v.cmd.length ? v.cmd : null, Entrypoint: v.entrypoint.length ? v.entrypoint : null, WorkingDir: v.workingDir },
    RootFS: { Type: 'layers', Layers: v.diffIds },
    Host: v.host,
  };
}

async function inspectOne(client: Client, ref: string, type?: string): Promise<object> {
  if (type !== 'image') {
    try {
      return containerJson(await client.request({ op: 'container.inspect', ref }));
    } catch (error) {
      if (!(error instanceof NotFoundError) || type === 'container') throw error;
    }
  }
  try {
    return imageJson(await client.request({ op: 'image.inspect', ref }));
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`No such object: ${ref}`);
    throw error;
  }
}

export default async function inspect(names: string[], opts: { type?: string }, globals: GlobalOptions): Promise<number> {
  if (opts.type && opts.type !== 'container' && opts.type !== 'image') {
    throw new ValidationError(`"${opts.type}" is not a valid value for --type: use container or image`);
  }
  const client = await connectClient(globals);
  try {
    const found: object[] = [];
    let code = 0;
    for (const name of names) {
      try {
        found.push(await inspectOne(client, name, opts.type));
      } catch (error) {
        process.stderr.write(`berth: ${(error as Error).message}\n`);
        code = 1;
      }
    }
    process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
    return code;
  } finally {
    await client.close();
  }
}
