/**
 * --metrics-addr: a real daemon serves /metrics in Prometheus' text format, which promtool
 * (Prometheus' own checker) accepts; Docker's engine metrics count the containers and time the
 * actions, and a running container's cgroup is read at scrape time under cAdvisor's names.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine(), requiresProgram('promtool', 'apt-get install prometheus'));

const engine = await startEngine(t, { daemonArgs: ['--metrics-addr', '127.0.0.1:0'] });
const log = () => fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8');
// Port 0: the kernel chose one, which the daemon logs.
const address = (await log()).match(/msg="serving metrics" address=(\S+)/)![1];
const scrape = async () => {
  const response = await fetch(`http://${address}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
};
/** The value of the one series `name{labels...}` whose labels include `labels` (label order free). */
const value = (text: string, name: string, labels: Record<string, string> = {}): number | null => {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (match[2] ?? '').split(/,(?=\w+=")/).includes(`${k}="${v}"`));
    if (has) return Number(match[3]);
  }
  return null;
};

t.test('promtool accepts the text; Docker\'s engine metrics count and time', async (t) => {
  const id = (await engine.ok(['run', '-d', '--name', 'sleeper', '--memory', '64m', 'busybox', 'sleep', '300'])).trim();
  await engine.ok(['create', '--name', 'idle', 'busybox', 'true']);
  const text = await scrape();
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
  t.equal(value(text, 'engine_daemon_container_states_containers', { state: 'running' }), 1);
  t.equal(value(text, 'engine_daemon_container_states_containers', { state: 'stopped' }), 1);
  t.equal(value(text, 'engine_daemon_container_states_containers', { state: 'paused' }), 0);
  t.ok(value(text, 'engine_daemon_container_actions_seconds_count', { action: 'create' })! >= 2, 'two creates timed');
  t.ok(value(text, 'engine_daemon_events_total')! > 0, 'events counted');
  t.ok(value(text, 'berth_event_append_seconds_count', { result: 'ok' })! > 0, 'appends timed');
  t.equal(value(text, 'berth_actors', { kind: 'container' }), 2);
  t.ok(value(text, 'berth_images')! >= 1);
  const labels = { name: 'sleeper', id: `/berth/${id}`, image: 'busybox' };
  t.equal(value(text, 'container_spec_memory_limit_bytes', labels), 64 * 1024 * 1024, '--memory 64m');
  t.ok(value(text, 'container_memory_usage_bytes', labels)! > 0);
  t.ok(value(text, 'container_memory_working_set_bytes', labels)! > 0);
  t.ok(value(text, 'container_threads', labels)! >= 1, 'sleep is one task at least');
  t.equal(value(text, 'container_oom_events_total', labels), 0);
  t.equal(value(text, 'container_cpu_usage_seconds_total', { name: 'idle' }), null, 'a container without a process has no series');
  t.equal((await fetch(`http://${address}/other`)).status, 404);
  await engine.ok(['start', 'idle']);
  t.equal(value(await scrape(), 'engine_daemon_container_actions_seconds_count', { action: 'start' }), 1, 'the start timed');
  await engine.ok(['rm', '-f', 'sleeper', 'idle']);
  t.equal(value(await scrape(), 'container_memory_usage_bytes', labels), null, 'a removed container\'s series are gone');
});

t.test('a busy container under --cpus 0.2 uses about 0.2 s of CPU per second', async (t) => {
  const id = (await engine.ok(['run', '-d', '--name', 'busy', '--cpus', '0.2', 'busybox', 'sh', '-c', 'while :; do :; done'])).trim();
  const cpu = async () => ({ at: performance.now(), seconds: await waitFor(async () => value(await scrape(), 'container_cpu_usage_seconds_total', { name: 'busy', id: `/berth/${id}` }), { what: 'the busy container\'s CPU counter' }) });
  const first = await cpu();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const second = await cpu();
  const rate = (second.seconds - first.seconds) / ((second.at - first.at) / 1000);
  // The CFS quota (20 ms per 100 ms period) caps the loop at 0.2 s/s, give or take one period at
  // each end of the 3 s (about 0.21). Below 0.05 the counter would be wrong or not rising; above
  // 0.5 the quota would not hold (unthrottled, the loop takes a whole core: about 1 s/s). The
  // lower bound is loose because a loaded 2-core machine may give the loop less than its quota.
  t.ok(rate > 0.05 && rate < 0.5, `CPU rate ${rate.toFixed(3)} s/s is between 0.05 and 0.5`);
  t.comment(`measured: ${rate.toFixed(3)} s of CPU per second under --cpus 0.2`);
  await engine.ok(['rm', '-f', id]);
});
