#!/usr/bin/env node
/**
 * Where a `berth run --rm` spends its time: matches each measured berth run with its
 * container's events in berth's own log (create, start, die, destroy; decided times, 1 ms
 * resolution, same clock as the bench's Date.now()) and splits the run into phases:
 *
 *   cli→create      Node start, loading the CLI, NATS connect, ping, subscribe, create request
 *   create→start    daemon: prepare rootfs and cgroups, launch the shim, container started
 *   start→die       the container runs `true`
 *   die→destroy     daemon: exit recorded, --rm removal
 *   destroy→exit    the CLI hears the last event and exits
 *
 * The same for the runs on the default bridge (`berth-bridge`), under `bridge`: the difference
 * in create→start is the network's daemon-side cost per container.
 *
 *   node bench/berthBreakdown.mjs SAMPLES.json OUT.json    (BERTH_ROOT, BERTH_RUN_ROOT set)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary } from './stats.mjs';

const [samplesFile, outFile] = process.argv.slice(2);
if (!samplesFile || !outFile) {
  console.error('usage: berthBreakdown.mjs SAMPLES.json OUT.json');
  process.exit(2);
}
const cli = fileURLToPath(new URL('../dist/cli/main.cjs', import.meta.url));
const measured = JSON.parse(fs.readFileSync(samplesFile, 'utf8'));
const runs = measured.samples.berth ?? [];

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const seconds = (ms) => (ms / 1000).toFixed(3);
const lines = execFileSync(process.execPath, [
  cli, 'events', '--format', 'json', '--filter', 'type=container',
  '--since', seconds(measured.measuredFrom - 1000), '--until', seconds(Date.now()),
], { env, encoding: 'utf8' }).split('\n').filter(Boolean).map((line) => JSON.parse(line));

/** Per container: the time (ms) of each action. */
const containers = new Map();
for (const event of lines) {
  const times = containers.get(event.id) ?? {};
  times[event.Action] ??= event.timeNano / 1e6;
  containers.set(event.id, times);
}

/** The phases of each run of `samples`, matched with its container's events by create time. */
function phasesOf(samples) {
  const phases = { 'cli→create': [], 'create→start': [], 'start→die': [], 'die→destroy': [], 'destroy→exit': [], 'create→destroy': [] };
  let unmatched = 0;
  for (const run of samples) {
    const times = [...containers.values()].find((t) => t.create >= run.start && t.create <= run.end);
    if (!times || [times.start, times.die, times.destroy].some((t) => t === undefined)) { unmatched++; continue; }
    phases['cli→create'].push(times.create - run.start);
    phases['create→start'].push(times.start - times.create);
    phases['start→die'].push(times.die - times.start);
    phases['die→destroy'].push(times.destroy - times.die);
    phases['destroy→exit'].push(run.end - times.destroy);
    phases['create→destroy'].push(times.destroy - times.create);
  }
  return { matched: samples.length - unmatched, unmatched, phases: Object.fromEntries(Object.entries(phases).map(([name, values]) => [name, { ...summary(values), samples: values }])) };
}

const none = phasesOf(runs);
// The same runs on the default bridge (a veth pair, addresses, a route, the hosts files): the
// difference in create→start is what the network costs the daemon side per container.
const bridgeRuns = measured.samples['berth-bridge'] ?? [];
const bridge = bridgeRuns.length ? phasesOf(bridgeRuns) : null;

const result = {
  source: `berth events --format json (${path.basename(cli)}), matched to runs by create time`,
  resolutionMs: 1,
  ...none,
  ...(bridge ? { bridge } : {}),
};
fs.writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
