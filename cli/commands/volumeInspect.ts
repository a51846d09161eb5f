/** `berth volume inspect`: Docker-shaped JSON. */
import type { VolumeView } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { inspectEach } from './each.js';

export function volumeJson(v: VolumeView): object {
  return {
    CreatedAt: new Date(v.created).toISOString(),
    Driver: v.driver,
    Labels: v.anonymous ? { ...v.labels, 'com.docker.volume.anonymous': '' } : v.labels,
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: v.options,
    Scope: 'local',
    Host: v.host,
    UsedBy: v.users,
  };
}

export default async function volumeInspect(names: string[], _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await inspectEach(names, async (name) => volumeJson(await client.request({ op: 'volume.inspect', name })));
  } finally {
    await client.close();
  }
}
