/** `run`'s security and resource flags, read as Docker reads them. Pure. */
import { ValidationError } from '../events/errors.js';
import type { Resources, SecurityOptions } from '../events/hostConfig.js';
import { normalizeCapability } from '../runtime/security/capabilities.js';
import { parseUlimits } from '../runtime/security/ulimit.js';
import { parseBytes, parsePositiveInt } from './parse.js';

export interface HostConfigFlags {
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  securityOpt?: string[];
  readOnly?: boolean;
  user?: string;
  ulimit?: string[];
  network?: string;
  cpus?: string;
  cpuShares?: string;
  cpusetCpus?: string;
  memorySwap?: string;
  blkioWeight?: string;
  memoryHigh?: string;
}

/** --security-opt: no-new-privileges[:true|false], seccomp=unconfined. */
export function parseSecurityOpts(entries: readonly string[]): Pick<SecurityOptions, 'noNewPrivileges' | 'seccomp'> {
  const out: Pick<SecurityOptions, 'noNewPrivileges' | 'seccomp'> = {};
  for (const entry of entries) {
    const [key, value] = entry.split(/[=:](.*)/s, 2) as [string, string | undefined];
    if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        throw new ValidationError(`invalid --security-opt "${entry}": no-new-privileges takes true or false`);
      }
      out.noNewPrivileges = value !== 'false';
    } else if (key === 'seccomp') {
      if (value === 'unconfined') out.seccomp = 'unconfined';
      else if (value === 'default' || value === 'builtin') out.seccomp = 'default';
      else throw new ValidationError(`invalid --security-opt "${entry}": seccomp profiles from a file are not supported yet; use seccomp=unconfined or leave the default`);
    } else {
      throw new ValidationError(`invalid --security-opt "${entry}": berth knows no-new-privileges and seccomp`);
    }
  }
  return out;
}

function parseCpus(text: string): number {
  const cpus = Number(text);
  if (!/^\d*\.?\d+$/.test(text) || !(cpus >= 0.01)) throw new ValidationError(`invalid value "${text}" for --cpus: want a number of CPUs of at least 0.01`);
  return cpus;
}

/** The security options and resources of a create spec; undefined when no flag asks for them. */
export function parseHostConfig(flags: HostConfigFlags, memoryBytes: number | undefined): { security?: SecurityOptions; resources?: Resources } {
  const capAdd = flags.capAdd ?? [];
  const capDrop = flags.capDrop ?? [];
  const ulimit = flags.ulimit ?? [];
  for (const cap of [...capAdd, ...capDrop]) normalizeCapability(cap);
  if (flags.network !== undefined && flags.network !== 'none' && flags.network !== 'host') {
    throw new ValidationError(`invalid --network "${flags.network}": berth has none (a private loopback) and host`);
  }
  if (flags.user !== undefined && !/^[^:\s]+(:[^:\s]+)?$/.test(flags.user)) {
    throw new ValidationError(`invalid --user "${flags.user}": use name|uid[:group|gid]`);
  }
  const security: SecurityOptions = {
    ...(capAdd.length ? { capAdd } : {}),
    ...(capDrop.length ? { capDrop } : {}),
    ...(flags.privileged ? { privileged: true } : {}),
    ...parseSecurityOpts(flags.securityOpt ?? []),
    ...(flags.readOnly ? { readOnly: true } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(ulimit.length ? { ulimits: parseUlimits(ulimit) } : {}),
    ...(flags.network !== undefined ? { network: flags.network as 'none' | 'host' } : {}),
  };
  let memorySwapBytes: number | undefined;
  if (flags.memorySwap !== undefined) {
    if (memoryBytes === undefined) throw new ValidationError('You should always set the Memory limit when using Memoryswap limit, see usage');
    memorySwapBytes = flags.memorySwap === '-1' ? -1 : parseBytes(flags.memorySwap, '--memory-swap');
    if (memorySwapBytes !== -1 && memorySwapBytes < memoryBytes) {
      throw new ValidationError('Minimum memoryswap limit should be larger than memory limit, see usage');
    }
  }
  const blkioWeight = flags.blkioWeight === undefined ? undefined : parsePositiveInt(flags.blkioWeight, '--blkio-weight');
  if (blkioWeight !== undefined && (blkioWeight < 10 || blkioWeight > 1000)) {
    throw new ValidationError('Range of blkio weight is from 10 to 1000');
  }
  const cpuShares = flags.cpuShares === undefined ? undefined : parsePositiveInt(flags.cpuShares, '--cpu-shares');
  if (flags.cpusetCpus !== undefined && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(flags.cpusetCpus)) {
    throw new ValidationError(`invalid value "${flags.cpusetCpus}" for --cpuset-cpus: use a list like 0-1 or 0,2`);
  }
  const resources: Resources = {
    ...(flags.cpus !== undefined ? { cpus: parseCpus(flags.cpus) } : {}),
    ...(cpuShares !== undefined ? { cpuShares: Math.min(262144, Math.max(2, cpuShares)) } : {}),
    ...(flags.cpusetCpus !== undefined ? { cpusetCpus: flags.cpusetCpus } : {}),
    ...(memorySwapBytes !== undefined ? { memorySwapBytes } : {}),
    ...(blkioWeight !== undefined ? { blkioWeight } : {}),
    ...(flags.memoryHigh !== undefined ? { memoryHighBytes: parseBytes(flags.memoryHigh, '--memory-high') } : {}),
  };
  return {
    security: Object.keys(security).length ? security : undefined,
    resources: Object.keys(resources).length ? resources : undefined,
  };
}
