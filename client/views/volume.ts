/** `volume inspect`'s Docker-shaped JSON. Pure. */
import type { VolumeView } from '../../events/requests.js';

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
