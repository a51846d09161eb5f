/**
 * docker for the scenario scripts: Debian's docker.io by path (/usr/local/bin/docker on this
 * machine is an unrelated daemon-less CLI) against a dockerd of the bench's own (bench/dockerd.sh).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnv } from './procs.mjs';

export const DOCKER = '/usr/bin/docker';
const dockerdSh = new URL('./dockerd.sh', import.meta.url).pathname;

/** A docker CLI bound to one dockerd: `argv(...args)` is a command line, `env` its environment. */
function peer(host, config) {
  return {
    enabled: Boolean(host && config),
    argv: (...rest) => [DOCKER, ...rest],
    env: childEnv({ DOCKER_HOST: host, DOCKER_CONFIG: config }),
  };
}

/** The dockerd run.sh started for the scenarios (BENCH_DOCKER_HOST, BENCH_DOCKER_CONFIG); `enabled` false without one. */
export function dockerPeer() {
  return peer(process.env.BENCH_DOCKER_HOST, process.env.BENCH_DOCKER_CONFIG);
}

/**
 * A dockerd of its own in `dir` (inside BENCH_WORK, whose cleanup stops it if we cannot), the
 * rootfs tarball `tar` imported as localhost/busybox. `pid` is dockerd's; `stop()` removes its
 * containers and stops it (bench/dockerd.sh stop).
 */
export function startDocker(dir, tar) {
  if (!process.env.BENCH_WORK) throw new Error('a dockerd of its own needs BENCH_WORK (run through bench/run.sh)');
  const stop = () => execFileSync('bash', [dockerdSh, 'stop', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  let out;
  try {
    out = execFileSync('bash', [dockerdSh, 'start', dir, tar], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    stop(); // a dockerd that started but failed later (the import) must not outlive its dir
    throw error;
  }
  const host = /BENCH_DOCKER_HOST=(\S+)/.exec(out)?.[1];
  const config = /BENCH_DOCKER_CONFIG=(\S+)/.exec(out)?.[1];
  const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
  return {
    ...peer(host, config),
    pid,
    socket: host.replace(/^unix:\/\//, ''),
    stop,
  };
}
