/**
 * The Engine API's list entries: ContainerSummary (`GET /containers/json`) and ImageSummary
 * (`GET /images/json`), as Docker's SDKs and the docker CLI read them. Pure.
 */
import type { ContainerView, ImageView } from '../../events/requests.js';
import { containerJson } from './inspect.js';
import { networkMode } from './networkSettings.js';
import { DOCKER_STATUS, statusText } from './ps.js';
import { portSummaries } from './ports.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

export function containerSummary(v: ContainerView, now = Date.now()): Record<string, unknown> {
  const inspected = containerJson(v) as { Mounts: unknown[]; NetworkSettings: { Networks: unknown } };
  return {
    Id: v.id,
    Names: [`/${v.config.name}`],
    Image: v.config.imageRef,
    ImageID: `sha256:${v.config.image}`,
    Command: v.config.cmd.join(' '),
    Created: seconds(v.created),
    Ports: portSummaries(v),
    Labels: v.config.labels,
    State: DOCKER_STATUS[v.status] ?? v.status,
    Status: statusText(v, now),
    HostConfig: { NetworkMode: networkMode(v) },
    NetworkSettings: { Networks: inspected.NetworkSettings.Networks },
    Mounts: inspected.Mounts,
    ...(v.sizeRw !== undefined ? { SizeRw: v.sizeRw, SizeRootFs: v.sizeRootFs } : {}),
  };
}

export function imageSummary(v: ImageView, containers = -1): Record<string, unknown> {
  const created = Date.parse(v.created);
  return {
    Id: `sha256:${v.id}`,
    ParentId: v.parent ? `sha256:${v.parent}` : '',
    RepoTags: v.tags,
    RepoDigests: v.repoDigests ?? [],
    Created: Number.isNaN(created) ? 0 : seconds(created),
    Size: v.size,
    SharedSize: -1,
    VirtualSize: v.size,
    Labels: v.labels ?? {},
    Containers: containers,
  };
}
