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

export async function hostFacts(): Promise<HostFacts> {
  const release = await fs.readFile('/etc/os-release', 'utf8').catch(() => '');
  return {
    kernelVersion: os.release(),
    operatingSystem: prettyName(release) ?? os.type(),
    architecture: os.machine(),
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    hostname: os.hostname(),
  };
}
