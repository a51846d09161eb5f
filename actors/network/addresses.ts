/** IPv4 arithmetic for address management: pure. */

export interface Subnet {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  /** Prefix length, 0-32. */
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** 'a.b.c.d' as a number, or null when it is not an IPv4 address. */
export function parseAddress(text: string): number | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const bytes = match.slice(1).map(Number);
  if (bytes.some((byte) => byte > 255)) return null;
  return ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
}

export function formatAddress(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** 'a.b.c.d/n' as a subnet (host bits cleared), or null when malformed. */
export function parseSubnet(text: string): Subnet | null {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined || prefixText === undefined || !/^\d{1,2}$/.test(prefixText)) return null;
  const base = parseAddress(address);
  const prefix = Number(prefixText);
  if (base === null || prefix > 32) return null;
  return { base: (base & mask(prefix)) >>> 0, prefix };
}

export function formatSubnet(subnet: Subnet): string {
  return `${formatAddress(subnet.base)}/${subnet.prefix}`;
}

export function subnetSize(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefix);
}

export function contains(subnet: Subnet, address: number): boolean {
  return ((address & mask(subnet.prefix)) >>> 0) === subnet.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(prefix)) >>> 0) === ((b.base & mask(prefix)) >>> 0);
}

/** The addresses a host may hold: not the network address, not the broadcast address. */
export function isHostAddress(subnet: Subnet, address: number): boolean {
  if (!contains(subnet, address)) return false;
  if (subnet.prefix >= 31) return true;
  return address !== subnet.base && address !== subnet.base + subnetSize(subnet) - 1;
}

/** The first host address (Docker's gateway by default). */
export function firstHost(subnet: Subnet): number {
  return subnet.prefix >= 31 ? subnet.base : subnet.base + 1;
}

/** Docker's MAC for an address: 02:42 then the address's four bytes. */
export function macFor(address: string): string {
  const value = parseAddress(address) ?? 0;
  const bytes = [0x02, 0x42, value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}
