/** What `berth info` tells about the machine: kernel, distribution, CPUs, memory. */
import fs from 'node:fs/promises';
import os from 'node:os';

export interface HostFacts {
  kernelVersion: string;
  /** PRETTY_NAME of /etc/os-release. */
  operatingSystem: string;
  /** As uname -m says it (x86_64, aarch64). */
  architecture: string;
  cpus: number;
  memoryBytes: number;
  hostname: string;
}

/** PRETTY_NAME from an os-release file's text. Pure. */
export function prettyName(osRelease: string): string | null {
  const line = osRelease.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
  return line ? line.slice('PRETTY_NAME='.length).replace(/^"(.*)"$/, '$1') : null;
}

/**
 * The distribution's name, read once per process: an upgrade that renames it is seen at the
 * daemon's next start. Read at every `info` (and every API `/version`), the file's open, read
 * and close were most of a `/version` answered in process (bench/apiCalls.mjs).
 */
let distribution: Promise<string> | null = null;

export async function hostFacts(): Promise<HostFacts> {
  distribution ??= fs.readFile('/etc/os-release', 'utf8').catch(() => '').then((release) => prettyName(release) ?? os.type());
  return {
    kernelVersion: os.release(),
    operatingSystem: await distribution,
    architecture: os.machine(),
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    hostname: os.hostname(),
  };
}
