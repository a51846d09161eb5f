/** `run`'s security and resource flags, read as Docker reads them. Pure, but for reading a seccomp profile file. */
import fs from 'node:fs';
import { ValidationError } from '../events/errors.js';
import { SeccompProfile, type Resources, type SecurityOptions } from '../events/hostConfig.js';
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
  /** --userns: host opts out of the daemon's --userns-remap. */
  userns?: string;
}

/** --userns as Docker takes it: host, or '' for the daemon's setting. */
export function parseUsernsMode(value: string | undefined): { usernsMode?: 'host' | '' } {
  if (value === undefined) return {};
  if (value !== 'host' && value !== '') throw new ValidationError(`invalid --userns "${value}": use host, or '' for the daemon's --userns-remap`);
  return { usernsMode: value };
}

/** Reads a file named on the command line (seccomp=FILE); a parameter so that parsing stays testable. */
export type ReadFile = (file: string) => string;
const readFileUtf8: ReadFile = (file) => fs.readFileSync(file, 'utf8');

/** A Docker seccomp profile from FILE, checked as events/hostConfig.ts declares it. */
export function loadSeccompProfile(file: string, readFile: ReadFile = readFileUtf8): SeccompProfile {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new ValidationError(`opening seccomp profile (${file}) failed: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`decoding seccomp profile (${file}) failed: ${(error as Error).message}`);
  }
  const parsed = SeccompProfile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`seccomp profile (${file}): ${issue.path.join('.') || 'the profile'}: ${issue.message}`);
  }
  return parsed.data;
}

type SecurityOpts = Pick<SecurityOptions, 'noNewPrivileges' | 'seccomp' | 'seccompProfile'>;

/** --security-opt: no-new-privileges[:true|false], seccomp=unconfined|default|FILE. */
export function parseSecurityOpts(entries: readonly string[], readFile: ReadFile = readFileUtf8): SecurityOpts {
  const out: SecurityOpts = {};
  for (const entry of entries) {
    const [key, value] = entry.split(/[=:](.*)/s, 2) as [string, string | undefined];
    if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        throw new ValidationError(`invalid --security-opt "${entry}": no-new-privileges takes true or false`);
      }
      out.noNewPrivileges = value !== 'false';
    } else if (key === 'seccomp') {
      delete out.seccompProfile;
      if (value === 'unconfined') out.seccomp = 'unconfined';
      else if (value === 'default' || value === 'builtin') out.seccomp = 'default';
      else if (value) {
        delete out.seccomp;
        out.seccompProfile = loadSeccompProfile(value, readFile);
      } else throw new ValidationError(`invalid --security-opt "${entry}": seccomp takes unconfined, default or a profile file`);
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
    // Networks and container:NAME are cli/networkFlags.ts's.
    ...(flags.network === 'none' || flags.network === 'host' ? { network: flags.network } : {}),
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
