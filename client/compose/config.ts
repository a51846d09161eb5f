/** `compose config`: the normalised model as YAML, as Docker Compose v2 prints it (empty fields left out). Pure. */
import { stringify } from 'yaml';
import type { Project } from './model.js';

function pruned(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? value.map(pruned) : undefined;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, pruned(item)] as const).filter(([, item]) => item !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

export function renderConfig(project: Project): string {
  const services = Object.fromEntries(Object.keys(project.services).sort().map((name) => {
    const { name: _name, scale, placement: _placement, networks, ...rest } = project.services[name];
    // A service on networks with nothing to say of them still lists them.
    const listed = networks && Object.fromEntries(Object.entries(networks).map(([key, value]) => [key, value ?? null]));
    return [name, { ...(pruned(rest) as object), ...(listed ? { networks: listed } : {}), ...(scale !== 1 ? { scale } : {}) }];
  }));
  const model = {
    name: project.name,
    services,
    ...(Object.keys(project.networks).length ? { networks: pruned(project.networks) } : {}),
    ...(Object.keys(project.volumes).length ? { volumes: pruned(project.volumes) } : {}),
  };
  return stringify(model, { nullStr: 'null', lineWidth: 0 });
}
