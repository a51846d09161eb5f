#!/usr/bin/env node
/**
 * A 5-service compose project, `berth compose` against podman-compose (Debian's 1.0.3, on
 * peers.sh's podman through --podman-args) and Debian's docker-compose 1.29 against run.sh's
 * dockerd (when it runs), the same file: `up -d`, then `down -v -t 0`.
 *
 * The project: web (busybox httpd on a published 127.0.0.1 port, a named volume), api, worker,
 * cache and db (sleepers; db with a named volume), depends_on between them, the project's default
 * network. Every service runs localhost/busybox.
 *
 * podman-compose 1.0.3 sleeps 1 s after most podman commands it runs during `up` (podman.run's
 * default `sleep=1`), so a third subject replays the podman commands podman-compose printed in
 * that round (`podman-steps`), one after another without the sleeps: podman's own cost of the
 * same steps. Subjects alternate, BENCH_COMPOSE_RUNS (default 5) rounds after one discarded.
 *
 *   BENCH_WORK=DIR BENCH_PODMAN_ARGS_JSON='[...]' CONTAINERS_CONF=... node bench/compose.mjs OUT.json
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { run } from './berth.mjs';
import { benchBerth, interleave, ratiosTo, summarize, scenarioSetup, uptime } from './interleave.mjs';
import { envInt, freePort, runScenario, sleep, tempDir, writeJson } from './procs.mjs';

const { outFile, podman } = scenarioSetup('compose.mjs');
const runs = envInt('BENCH_COMPOSE_RUNS', 5);
const PROJECT = 'benchc';

const composeFile = (port) => `services:
  web:
    image: localhost/busybox
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports: ["127.0.0.1:${port}:8080"]
    volumes: ["content:/www"]
    depends_on: [api]
  api:
    image: localhost/busybox
    command: ["sleep", "3600"]
    environment:
      ROLE: api
    depends_on: [db, cache]
  worker:
    image: localhost/busybox
    command: ["sleep", "3600"]
    depends_on: [db]
  cache:
    image: localhost/busybox
    command: ["sleep", "3600"]
  db:
    image: localhost/busybox
    command: ["sleep", "3600"]
    volumes: ["data:/data"]
volumes:
  content: {}
  data: {}
`;

/**
 * The podman commands podman-compose ran, from what it printed: a command it runs is printed as
 * its words joined by spaces, a query (its `output()`: volume inspect, network exists) as a Python
 * list; a query may fail (that is its answer). Its informational `a || b` lines are no command.
 */
function printedPodmanCommands(stdout) {
  return stdout.split('\n').flatMap((line) => {
    if (line.startsWith("['podman'")) return [{ argv: JSON.parse(line.replace(/'/g, '"')), query: true }];
    if (line.startsWith('podman ') && !line.includes(' || ') && !line.startsWith('podman --version')) return [{ argv: line.trim().split(' '), query: false }];
    return [];
  });
}

/** "podman run" ×5, … : how many of each podman verb a list of steps holds (queries marked). */
function verbCounts(commands) {
  const counts = {};
  for (const { argv, query } of commands) {
    // podman-compose puts the global arguments before the verb when it runs a command, after it in a query.
    const at = argv.findIndex((_, i) => podman.args.length > 0 && podman.args.every((a, j) => argv[i + j] === a));
    const rest = (at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + podman.args.length)]).slice(1);
    const verb = ['volume', 'network', 'pod'].includes(rest[0]) ? rest.slice(0, 2).join(' ') : rest[0];
    const key = `podman ${verb}${query ? ' (query)' : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

await runScenario(async () => {
  const dir = tempDir('compose');
  const port = await freePort();
  const file = path.join(dir, 'compose.yaml');
  fs.writeFileSync(file, composeFile(port));
  const berth = benchBerth();
  const podmanCompose = ['podman-compose', '--podman-args', podman.args.join(' '), '-f', file, '-p', PROJECT];
  // Untimed: the web service answers on its published port (httpd may still be starting when `up -d` returns).
  const web = async (what) => {
    for (let i = 0; ; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`).catch((error) => error);
      if (res instanceof Response) return;
      if (i >= 100) throw new Error(`${what}: the web service's published port ${port} does not answer (${res.message})`);
      await sleep(100);
    }
  };
  // The commands podman-compose ran in the last round, replayed by podman-steps.
  let steps = null;
  const replay = async (commands) => {
    const t0 = performance.now();
    for (const { argv, query } of commands) {
      const done = run(argv, podman.env, 'podman (podman-compose\'s step)');
      await (query ? done.catch(() => {}) : done);
    }
    return performance.now() - t0;
  };
  const subjects = {
    berth: async () => {
      const up = await run(berth.argv('compose', '-f', file, '-p', PROJECT, 'up', '-d'), berth.env, 'berth compose up');
      await web('berth');
      const down = await run(berth.argv('compose', '-f', file, '-p', PROJECT, 'down', '-v', '-t', '0'), berth.env, 'berth compose down');
      return { up: up.ms, down: down.ms };
    },
    'podman-compose': async () => {
      const up = await run([...podmanCompose, 'up', '-d'], podman.env, 'podman-compose up');
      await web('podman-compose');
      const down = await run([...podmanCompose, 'down', '-v', '-t', '0'], podman.env, 'podman-compose down');
      steps = { up: printedPodmanCommands(up.stdout), down: printedPodmanCommands(down.stdout) };
      return { up: up.ms, down: down.ms };
    },
    'podman-steps': async () => {
      const up = await replay(steps.up);
      await web('podman-steps');
      const down = await replay(steps.down);
      return { up, down };
    },
  };
  // docker-compose 1.29 with run.sh's dockerd (its userland proxy publishes the port), when it runs.
  if (process.env.BENCH_DOCKER_HOST) {
    const env = { ...process.env, DOCKER_HOST: process.env.BENCH_DOCKER_HOST, DOCKER_CONFIG: process.env.BENCH_DOCKER_CONFIG ?? dir };
    const dockerCompose = ['docker-compose', '-f', file, '-p', PROJECT];
    subjects['docker-compose'] = async () => {
      const up = await run([...dockerCompose, 'up', '-d'], env, 'docker-compose up');
      await web('docker-compose');
      const down = await run([...dockerCompose, 'down', '-v', '-t', '0'], env, 'docker-compose down');
      return { up: up.ms, down: down.ms };
    };
  } else process.stderr.write('compose: no dockerd (BENCH_DOCKER_HOST); no docker-compose column\n');

  const before = uptime();
  const startedAt = new Date().toISOString();
  const samples = await interleave(subjects, { runs, warmup: 1, label: 'compose' });
  const after = uptime();

  const results = summarize(samples);
  writeJson(outFile, {
    startedAt, finishedAt: new Date().toISOString(),
    loadavg: { before: before.loadavg, after: after.loadavg },
    uptime: { before: before.uptime, after: after.uptime },
    settings: { runs, warmup: 1, order: `interleaved: ${Object.keys(subjects).join(', ')} (each up -d, a GET on the published port, down -v -t 0), then again` },
    composeFile: composeFile('PORT'),
    commands: {
      berth: `berth compose -f compose.yaml -p ${PROJECT} up -d; … down -v -t 0`,
      'podman-compose': `podman-compose --podman-args '(storage args)' -f compose.yaml -p ${PROJECT} up -d; … down -v -t 0`,
      'podman-steps': 'the podman commands podman-compose printed for that up and down, run one after another',
      ...(subjects['docker-compose'] ? { 'docker-compose': `docker-compose -f compose.yaml -p ${PROJECT} up -d; … down -v -t 0, against run.sh's dockerd` } : {}),
    },
    podmanSteps: steps && { up: verbCounts(steps.up), down: verbCounts(steps.down) },
    versions: { 'podman-compose': `podman-compose ${/podman-compose\S* version\s+(\S+)/i.exec(execFileSync('podman-compose', ['--version'], { encoding: 'utf8', env: podman.env }))?.[1] ?? '?'}` },
    podman: { driver: process.env.PODMAN_DRIVER ?? null, runtime: process.env.PODMAN_RUNTIME ?? null },
    results,
    ratios: { vsPodmanCompose: ratiosTo(results, 'podman-compose'), vsPodmanSteps: ratiosTo(results, 'podman-steps'), vsDockerCompose: ratiosTo(results, 'docker-compose') },
  });
});
