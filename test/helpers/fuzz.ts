/**
 * fast-check settings shared by the property, fuzz, load and chaos suites: a fixed seed by
 * default (CI is deterministic), BERTH_FUZZ_SEED to replay another one, and the seed printed
 * by fast-check's own failure report and by `t.comment`.
 */
import fc from 'fast-check';

export const FUZZ_SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20261128);
/** BERTH_FUZZ_SCALE multiplies every numRuns (the long form runs with, say, 20). */
export const FUZZ_SCALE = Number(process.env.BERTH_FUZZ_SCALE ?? 1);

export function fcParams(numRuns: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(numRuns * FUZZ_SCALE)), endOnFailure: false };
}

/** Runs a property with the shared settings; the thrown report names the seed and the counterexample path. */
export async function check<Ts extends [unknown, ...unknown[]]>(
  t: { comment(...args: unknown[]): void; pass(message: string): void },
  name: string,
  numRuns: number,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
): Promise<void> {
  const params = fcParams(numRuns) as fc.Parameters<Ts>;
  t.comment(`${name}: seed ${params.seed}, ${params.numRuns} runs (BERTH_FUZZ_SEED replays)`);
  await fc.assert(property as fc.IAsyncProperty<Ts>, params);
  t.pass(`${name}: ${params.numRuns} runs held`);
}
