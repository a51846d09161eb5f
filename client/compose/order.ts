/**
 * The order services start in: each after the services it depends on, and stop in reverse.
 * A cycle is Compose's error. Pure.
 */
import { ComposeError } from './errors.js';
import type { Project } from './model.js';

/** The services in an order where each comes after its dependencies (ties by name). */
export function startOrder(project: Project): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new ComposeError(`dependency cycle detected: ${[...trail.slice(trail.indexOf(name)), name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const dependency of Object.keys(project.services[name].depends_on).sort()) visit(dependency, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(project.services).sort()) visit(name, []);
  return order;
}

/** The services named and every service they depend on, transitively (all of them when none is named). */
export function withDependencies(project: Project, names: string[]): Set<string> {
  if (names.length === 0) return new Set(Object.keys(project.services));
  const out = new Set<string>();
  const add = (name: string) => {
    if (out.has(name)) return;
    if (!project.services[name]) throw new ComposeError(`no such service: ${name}`);
    out.add(name);
    for (const dependency of Object.keys(project.services[name].depends_on)) add(dependency);
  };
  names.forEach(add);
  return out;
}
