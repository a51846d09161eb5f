/** IPv6 arithmetic for address management, on 128-bit bigints: pure. */
import { createHash } from 'node:crypto';

export interface Subnet6 {
  /** The network address, host bits cleared. */
  base: bigint;
  /** Prefix length, 0-128. */
  prefix: number;
}

const BITS = 128n;
const ALL = (1n << BITS) - 1n;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** An IPv6 address in any of its text forms (`::`, `fd00::1`, `::ffff:1.2.3.4`) as a number, or null. */
export function parseAddress6(text: string): bigint | null {
  if (!text.includes(':') || text.includes('%')) return null;
  let groups = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An IPv4 tail (::ffff:1.2.3.4) is two more groups.
    const bytes = text.slice(lastColon + 1).split('.').map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : 256));
    if (bytes.length !== 4 || bytes.some((byte) => byte > 255)) return null;
    groups = `${text.slice(0, lastColon + 1)}${((bytes[0] << 8) | bytes[1]).toString(16)}:${((bytes[2] << 8) | bytes[3]).toString(16)}`;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return null;
  const split = (part: string) => (part === '' ? [] : part.split(':'));
  const head = split(halves[0]);
  const rest = halves.length === 2 ? split(halves[1]) : [];
  if (![...head, ...rest].every((group) => HEX_GROUP.test(group))) return null;
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const values = [...head.map((g) => parseInt(g, 16)), ...Array<number>(8 - known).fill(0), ...rest.map((g) => parseInt(g, 16))];
  return values.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** RFC 5952's text: lower case, the longest run of two or more zero groups as `::`. */
export function formatAddress6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

function mask6(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL << (BITS - BigInt(prefix))) & ALL;
}

/** 'addr/n' as a subnet (host bits cleared), or null when it is no IPv6 CIDR. */
export function parseSubnet6(text: string): Subnet6 | null {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) return null;
  const base = parseAddress6(address);
  const prefix = Number(prefixText);
  if (base === null || prefix > 128) return null;
  return { base: base & mask6(prefix), prefix };
}

export function formatSubnet6(subnet: Subnet6): string {
  return `${formatAddress6(subnet.base)}/${subnet.prefix}`;
}

export function contains6(subnet: Subnet6, address: bigint): boolean {
  return (address & mask6(subnet.prefix)) === subnet.base;
}

export function overlaps6(a: Subnet6, b: Subnet6): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return (a.base & mask6(prefix)) === (b.base & mask6(prefix));
}

/** The addresses a container may hold: in the subnet, not its Subnet-Router anycast (the all-zero host part), as Docker's IPAM. */
export function isHostAddress6(subnet: Subnet6, address: bigint): boolean {
  return contains6(subnet, address) && (subnet.prefix >= 127 || address !== subnet.base);
}

/** The first host address (the default gateway). */
export function firstHost6(subnet: Subnet6): bigint {
  return subnet.prefix >= 127 ? subnet.base : subnet.base + 1n;
}

/** The text of an address in canonical form, or null when it is no IPv6 address. */
export function canonicalAddress6(text: string): string | null {
  const value = parseAddress6(text);
  return value === null ? null : formatAddress6(value);
}

/**
 * Docker's default IPv6 pool (moby 27, daemon.deriveULABaseNetwork): a ULA /48 whose 40-bit
 * global id is the low 40 bits of the first 8 bytes of sha256(host id), split into /64s.
 */
export function ulaBase(hostId: string): Subnet6 {
  const sha = createHash('sha256').update(hostId).digest();
  const globalId = sha.readBigUInt64BE(0) & ((1n << 40n) - 1n);
  return { base: (0xfdn << 120n) | (globalId << 80n), prefix: 48 };
}

/** The first /64 of the host's ULA /48 that overlaps none of `inUse` (IPv6 CIDRs), or null. */
export function chooseSubnet6(hostId: string, inUse: string[]): string | null {
  const base = ulaBase(hostId);
  const taken = inUse.map(parseSubnet6).filter((subnet): subnet is Subnet6 => subnet !== null && subnet.prefix > 0);
  for (let index = 0n; index < 1n << 16n; index++) {
    const candidate = { base: base.base | (index << 64n), prefix: 64 };
    if (!taken.some((subnet) => overlaps6(candidate, subnet))) return formatSubnet6(candidate);
  }
  return null;
}
