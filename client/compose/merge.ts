/**
 * Several `-f` files merged as Compose merges them (the specification's "Merge and override"):
 * mappings merged key by key, sequences appended (without repeats), the commands (`command`,
 * `entrypoint`, `healthcheck.test`) replaced, environment and labels merged as mappings
 * whatever form each file uses, volumes unique by target and ports by their whole entry. Pure.
 */
import type { RawFile, RawService } from './schema.js';
import { toMapping } from './normalize.js';

type Tree = Record<string, unknown>;
const isMapping = (value: unknown): value is Tree => value !== null && typeof value === 'object' && !Array.isArray(value);

function mergeValues(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (isMapping(base) && isMapping(override)) {
    const out: Tree = { ...base };
    for (const [key, value] of Object.entries(override)) out[key] = mergeValues(base[key], value);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    const seen = new Set(base.map((item) => JSON.stringify(item)));
    return [...base, ...override.filter((item) => !seen.has(JSON.stringify(item)))];
  }
  return override;
}

const REPLACED = new Set(['command', 'entrypoint']);
const AS_MAPPING = new Set(['environment', 'labels']);
/** Lists that may also be written as mappings: merged as mappings of their names. */
const NAMED = new Set(['depends_on', 'networks']);

const asNamed = (value: unknown): unknown => (Array.isArray(value) ? Object.fromEntries(value.map((name) => [name, null])) : value);

function volumeTarget(entry: unknown): string {
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return String((entry as { target?: string }).target);
}

function mergeService(base: RawService, override: RawService): RawService {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const previous = (base as Tree)[key];
    if (previous === undefined || REPLACED.has(key)) out[key] = value;
    else if (AS_MAPPING.has(key)) out[key] = { ...toMapping(previous as string[]), ...toMapping(value as string[]) };
    else if (NAMED.has(key)) out[key] = mergeValues(asNamed(previous), asNamed(value));
    else if (key === 'volumes') {
      const targets = new Set((value as unknown[]).map(volumeTarget));
      out[key] = [...(previous as unknown[]).filter((entry) => !targets.has(volumeTarget(entry))), ...(value as unknown[])];
    } else if (key === 'healthcheck' && isMapping(previous) && isMapping(value)) {
      out[key] = { ...previous, ...value };
    } else if (key === 'build' && (typeof previous === 'string' || typeof value === 'string')) {
      const context = (entry: unknown) => (typeof entry === 'string' ? { context: entry } : entry);
      out[key] = mergeValues(context(previous), context(value));
    } else out[key] = mergeValues(previous, value);
  }
  return out as RawService;
}

/** The later file merged over the earlier one. */
export function mergeFiles(base: RawFile, override: RawFile): RawFile {
  const { services: baseServices = {}, ...baseRest } = base;
  const { services: overrideServices = {}, ...overrideRest } = override;
  const services: Record<string, RawService | null> = { ...baseServices };
  for (const [name, service] of Object.entries(overrideServices)) {
    services[name] = baseServices[name] ? mergeService(baseServices[name] ?? {}, service ?? {}) : service;
  }
  return { ...(mergeValues(baseRest, overrideRest) as RawFile), services };
}
