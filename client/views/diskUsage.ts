/** `system df`'s summary from the daemon's facts: shared layers counted once. Pure. */
import type { DiskUsageView } from '../../events/requests.js';
import { isRunning } from '../../events/containerStatus.js';

export interface UsageRow {
  type: 'Images' | 'Containers' | 'Local Volumes';
  total: number;
  active: number;
  size: number;
  reclaimable: number;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function usageRows(view: DiskUsageView): UsageRow[] {
  const activeImages = view.images.filter((i) => i.containers > 0);
  const inUse = new Set(activeImages.flatMap((i) => i.chainIds));
  const layers = Object.entries(view.layers);
  const running = view.containers.filter((c) => isRunning(c.status));
  const linked = view.volumes.filter((v) => v.links > 0);
  return [
    {
      type: 'Images', total: view.images.length, active: activeImages.length,
      size: sum(layers.map(([, size]) => size)), reclaimable: sum(layers.filter(([chain]) => !inUse.has(chain)).map(([, size]) => size)),
    },
    {
      type: 'Containers', total: view.containers.length, active: running.length,
      size: sum(view.containers.map((c) => c.size)), reclaimable: sum(view.containers.filter((c) => !isRunning(c.status)).map((c) => c.size)),
    },
    {
      type: 'Local Volumes', total: view.volumes.length, active: linked.length,
      size: sum(view.volumes.map((v) => v.size)), reclaimable: sum(view.volumes.filter((v) => v.links === 0).map((v) => v.size)),
    },
  ];
}

/** Docker's "1.2MB (50%)". */
export const percentOf = (part: number, whole: number): string => `${whole === 0 ? 0 : Math.round((part / whole) * 100)}%`;

/** The Engine API's `/system/df`: layers counted once, each image, container and volume with its size. */
export function dockerDiskUsage(view: DiskUsageView): Record<string, unknown> {
  const layerSize = (chains: string[]) => sum(chains.map((chain) => view.layers[chain] ?? 0));
  return {
    LayersSize: sum(Object.values(view.layers)),
    Images: view.images.map((i) => ({
      Id: `sha256:${i.id}`, ParentId: '', RepoTags: i.tags, RepoDigests: [], Created: Math.floor(Date.parse(i.created) / 1000) || 0,
      Size: layerSize(i.chainIds), SharedSize: -1, VirtualSize: layerSize(i.chainIds), Labels: {}, Containers: i.containers,
    })),
    Containers: view.containers.map((c) => ({
      Id: c.id, Names: [`/${c.name}`], Image: c.image, Created: Math.floor(c.created / 1000), State: c.status, SizeRw: c.size, Labels: {}, Mounts: [],
    })),
    Volumes: view.volumes.map((v) => ({ Name: v.name, Driver: 'local', Scope: 'local', UsageData: { Size: v.size, RefCount: v.links } })),
    BuildCache: [],
  };
}
