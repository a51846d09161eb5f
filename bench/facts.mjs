#!/usr/bin/env node
/** The machine the bench ran on, as JSON on stdout: CPU, kernel, cgroup mode, tool versions. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** First line of a command's output (stdout or stderr), or null when it cannot run. */
function firstLine(file, args, opts = {}) {
  try {
    const out = execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    return out.split('\n').find((line) => line.trim())?.trim() ?? null;
  } catch (error) {
    return (error.stdout || error.stderr || '').split('\n').find((line) => line.trim())?.trim() ?? null;
  }
}

const read = (file) => { try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; } };

function cgroupMode() {
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) return { mode: 'v2 (unified)' };
  const v1 = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((line) => line.includes(' - cgroup '))
    .map((line) => line.split(' ')[4].replace('/sys/fs/cgroup/', ''));
  const unified = read('/sys/fs/cgroup/unified/cgroup.controllers');
  if (unified === null) return { mode: 'v1', v1Hierarchies: v1 };
  return {
    mode: 'v1 hybrid (cgroup2 at /sys/fs/cgroup/unified)',
    v1Hierarchies: v1,
    cgroup2Controllers: unified.split(/\s+/).filter(Boolean),
  };
}

const nodeEnv = { ...process.env };
delete nodeEnv.NODE_EXTRA_CA_CERTS;

const facts = {
  date: new Date().toISOString(),
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? null,
  memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  kernel: os.release(),
  os: read('/etc/debian_version') ? `Debian ${read('/etc/debian_version')}` : os.version(),
  cgroup: cgroupMode(),
  hardNofile: firstLine('sh', ['-c', 'ulimit -Hn']),
  versions: {
    node: process.version,
    'nats-server': firstLine('nats-server', ['--version']),
    crun: firstLine('crun', ['--version']),
    runc: firstLine('runc', ['--version']),
    podman: firstLine('podman', ['--version']),
    conmon: firstLine('conmon', ['--version']),
    // Debian's docker.io by path (/usr/local/bin/docker here is another, daemon-less CLI).
    dockerd: firstLine('/usr/sbin/dockerd', ['--version']),
    containerd: firstLine('/usr/bin/containerd', ['--version']),
  },
  berth: {
    version: firstLine(process.execPath, [`${repo}dist/cli/main.cjs`, '--version'], { env: nodeEnv }),
    commit: firstLine('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
  },
};
process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
