/**
 * `--filter key=value` as Docker combines them: the same key twice matches either, different
 * keys all; but every `label` given must match (Docker's MatchKVList), so that
 * `label=project=a` and `label=oneoff=False` together mean both, as compose asks. Pure.
 */
import { ValidationError } from '../../events/errors.js';

/** Keys whose values must all match rather than any one of them. */
const EVERY_VALUE = new Set(['label']);

/** Builds one predicate from the filters; `testFor` makes the test of one key=value (and checks it). */
export function combineFilters<A extends unknown[]>(filters: string[], testFor: (key: string, value: string) => (...args: A) => boolean): (...args: A) => boolean {
  const byKey = new Map<string, Array<(...args: A) => boolean>>();
  for (const filter of filters) {
    const eq = filter.indexOf('=');
    if (eq <= 0) throw new ValidationError(`bad format of filter (expected name=value): ${filter}`);
    const key = filter.slice(0, eq);
    byKey.set(key, [...(byKey.get(key) ?? []), testFor(key, filter.slice(eq + 1))]);
  }
  const groups = [...byKey].map(([key, tests]) => ({ every: EVERY_VALUE.has(key), tests }));
  return (...args) => groups.every(({ every, tests }) => (every ? tests.every((test) => test(...args)) : tests.some((test) => test(...args))));
}
