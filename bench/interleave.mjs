/**
 * What the engine-against-engine scenarios share (network, docker-api, build, compose): the
 * engines as bench/run.sh left them (its start-latency daemon, peers.sh's podman, its dockerd),
 * interleaved rounds, and the load (uptime) around them.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { podmanPeer } from './berth.mjs';
import { childEnv, cli, load } from './procs.mjs';
import { summary } from './stats.mjs';

/** run.sh's start-latency daemon (it starts on first use, with its bridge, in the bench's network namespace). */
export function benchBerth() {
  const work = process.env.BENCH_WORK;
  const env = childEnv({ BERTH_ROOT: path.join(work, 'berth/root'), BERTH_RUN_ROOT: path.join(work, 'berth/run') });
  delete env.BERTH_NATS_URL;
  delete env.BERTH_HOST;
  return { argv: (...rest) => [cli, ...rest], env, runRoot: path.join(work, 'berth/run') };
}

/**
 * The script's output file (its argument) and podman as peers.sh prepared it; exits 2 with a
 * usage line when either is missing, or an environment variable in `needs`.
 */
export function scenarioSetup(script, needs = []) {
  const [outFile] = process.argv.slice(2);
  const podman = podmanPeer();
  if (!outFile || !process.env.BENCH_WORK || !podman.enabled || needs.some((name) => !process.env[name])) {
    const vars = ['BENCH_WORK=DIR', ...needs.map((name) => `${name}=...`), "BENCH_PODMAN_ARGS_JSON='[...]'", 'CONTAINERS_CONF=...'];
    console.error(`usage: ${vars.join(' ')} node bench/${script} OUT.json (or through bench/run.sh)`);
    process.exit(2);
  }
  return { outFile, podman };
}

/** `uptime` and the load averages, for the record. */
export function uptime() {
  return { uptime: execFileSync('uptime', { encoding: 'utf8' }).trim(), loadavg: load() };
}

/**
 * Runs each subject's `measure(round)` in turn (berth, podman, …, berth, …): `warmup` discarded
 * rounds, then `runs` kept. Each measure resolves with { metric: ms }; returns
 * samples[subject][metric] = [ms, …].
 */
export async function interleave(subjects, { runs, warmup, label }) {
  const samples = Object.fromEntries(Object.keys(subjects).map((name) => [name, {}]));
  for (let round = -warmup; round < runs; round++) {
    for (const [name, measure] of Object.entries(subjects)) {
      const values = await measure(round);
      if (round < 0) continue;
      for (const [metric, value] of Object.entries(values)) (samples[name][metric] ??= []).push(value);
    }
    if (round >= 0) process.stderr.write(`${label}: ${round + 1}/${runs} rounds\n`);
  }
  return samples;
}

/** samples[subject][metric] → results[subject][metric] = { n, median, min, max, samples }. */
export function summarize(samples) {
  return Object.fromEntries(Object.entries(samples).map(([name, byMetric]) => [name,
    Object.fromEntries(Object.entries(byMetric).map(([metric, values]) => [metric, { ...summary(values), samples: values.map((v) => Math.round(v * 100) / 100) }]))]));
}

/** a / b of two medians, to 0.01; null when either is missing. */
export const ratioOf = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);

/** results.berth[metric] / results[peer][metric] for every metric berth has. */
export function ratiosTo(results, peer, berth = 'berth') {
  if (!results[peer]) return null;
  return Object.fromEntries(Object.keys(results[berth]).map((metric) => [metric, ratioOf(results[berth][metric].median, results[peer][metric]?.median)]));
}
