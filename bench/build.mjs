#!/usr/bin/env node
/**
 * Image builds: `berth build` against `podman build`, `buildah bud` and (with run.sh's dockerd)
 * docker's legacy builder, the same Dockerfile and context, FROM the same busybox rootfs
 * (localhost/busybox in every engine), RUN steps without a network:
 *
 *   - cold: `build --no-cache` (every step runs; the base image is stored);
 *   - cached: the same build once more after an untimed one without --no-cache, so every step
 *     should be a cache hit (whether it gave the untimed build's image id is recorded).
 *
 * podman and buildah share peers.sh's storage (so buildah's cache also holds podman's layers,
 * which are the same). Tools alternate, BENCH_BUILD_RUNS (default 3) rounds after one discarded.
 *
 *   BENCH_WORK=DIR BENCH_PODMAN_ARGS_JSON='[...]' CONTAINERS_CONF=... node bench/build.mjs OUT.json
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { run } from './berth.mjs';
import { DOCKER, dockerPeer } from './docker.mjs';
import { benchBerth, interleave, ratiosTo, summarize, scenarioSetup, uptime } from './interleave.mjs';
import { childEnv, envInt, runScenario, tempDir, writeJson } from './procs.mjs';

const { outFile, podman } = scenarioSetup('build.mjs');
const runs = envInt('BENCH_BUILD_RUNS', 3);
const TAG = 'localhost/bench-build:latest';

const DOCKERFILE = `FROM localhost/busybox
ENV APP=/app MODE=bench
WORKDIR /app
COPY data/ /app/data/
RUN mkdir -p out && cp -r data out/ && echo built > out/stamp
RUN dd if=/dev/zero of=/app/out/zeros bs=1M count=8 2>/dev/null && sync
COPY run.sh /app/run.sh
RUN chmod 755 /app/run.sh && echo "app:x:1000:1000::/app:/bin/sh" >> /etc/passwd
USER app
EXPOSE 8080
LABEL org.example.bench=build
CMD ["/app/run.sh"]
`;

/** The context: the Dockerfile, 200 files of 4 KiB and one of 4 MiB (random bytes), a script. */
function context(dir) {
  const ctx = path.join(dir, 'ctx');
  fs.mkdirSync(path.join(ctx, 'data'), { recursive: true });
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), DOCKERFILE);
  for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(ctx, 'data', `f${i}`), randomBytes(4096));
  fs.writeFileSync(path.join(ctx, 'data', 'big'), randomBytes(4 << 20));
  fs.writeFileSync(path.join(ctx, 'run.sh'), '#!/bin/sh\necho hello from $APP\n');
  return ctx;
}

await runScenario(async () => {
  const dir = tempDir('build');
  const ctx = context(dir);
  const berth = benchBerth();
  const tools = {
    berth: { argv: (...a) => berth.argv('build', '--network', 'none', '-q', '-t', TAG, ...a, ctx), env: berth.env, rmi: berth.argv('rmi', TAG) },
    podman: { argv: (...a) => podman.argv('build', '--network', 'none', '--layers', '-q', '-t', TAG, ...a, ctx), env: podman.env, rmi: podman.argv('rmi', '-f', TAG) },
    buildah: {
      argv: (...a) => ['buildah', ...podman.args, 'bud', '--network', 'none', '--layers', '-q', '-t', TAG, ...a, ctx],
      env: podman.env, rmi: ['buildah', ...podman.args, 'rmi', '-f', TAG],
    },
  };
  const docker = dockerPeer();
  if (docker.enabled) {
    tools.docker = { argv: (...a) => docker.argv('build', '--network', 'none', '-q', '-t', TAG, ...a, ctx), env: { ...docker.env, DOCKER_BUILDKIT: '0' }, rmi: docker.argv('rmi', '-f', TAG) };
  } else {
    process.stderr.write('build: no dockerd (BENCH_DOCKER_HOST); berth, podman and buildah only\n');
  }
  const build = (name, ...args) => run(tools[name].argv(...args), tools[name].env, `${name} build`);

  const before = uptime();
  const startedAt = new Date().toISOString();
  // Whether the cached build gave the same image id as the build before it, per kept round.
  const sameImage = Object.fromEntries(Object.keys(tools).map((name) => [name, []]));
  const samples = await interleave(Object.fromEntries(Object.keys(tools).map((name) => [name, async (round) => {
    const cold = await build(name, '--no-cache');
    // Untimed: the cache as the tool keeps it for a rebuild (podman's and buildah's cached build
    // right after a --no-cache one did not give the same image, so it was no full cache hit).
    const primed = await build(name);
    const cached = await build(name);
    if (round >= 0) sameImage[name].push(cached.stdout.split('\n').pop() === primed.stdout.split('\n').pop());
    return { cold: cold.ms, cached: cached.ms };
  }])), { runs, warmup: 1, label: 'build' });
  const after = uptime();
  for (const tool of Object.values(tools)) await run(tool.rmi, tool.env, 'rmi').catch(() => {});

  const results = summarize(samples);
  const version = (argv) => { try { return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', env: childEnv() }).split('\n')[0]; } catch { return null; } };
  writeJson(outFile, {
    startedAt, finishedAt: new Date().toISOString(),
    loadavg: { before: before.loadavg, after: after.loadavg },
    uptime: { before: before.uptime, after: after.uptime },
    settings: { runs, warmup: 1, order: `interleaved: ${Object.keys(tools).join(', ')} (each cold, an untimed build, then cached), then again` },
    dockerfile: DOCKERFILE,
    context: '200 files of 4 KiB and one of 4 MiB (random bytes), a script',
    commands: Object.fromEntries(Object.entries(tools).map(([name, t]) => [name, t.argv('[--no-cache]').map((a) => a.replace(ctx, 'CTX')).join(' ')
      .replace(/^\S*node \S*main\.js/, 'berth').replace(/ --root .* --storage-driver \S+/, ' (storage args)')])),
    versions: { buildah: version(['buildah', '--version']), docker: docker.enabled ? version([DOCKER, '--version']) : null },
    podman: { driver: process.env.PODMAN_DRIVER ?? null, runtime: process.env.PODMAN_RUNTIME ?? null },
    sameImage,
    results,
    ratios: { vsPodman: ratiosTo(results, 'podman'), vsBuildah: ratiosTo(results, 'buildah'), vsDocker: ratiosTo(results, 'docker') },
  });
});
