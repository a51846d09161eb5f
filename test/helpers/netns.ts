/**
 * Network namespaces a test makes, so that bridges, veths, rules and sysctls never touch the
 * host's: `ip netns add berth-t-<random>` with lo up, a command prefix that runs a program in it
 * (nsenter --net: the namespace only, not the mounts), and deletion at teardown. `outside()` adds
 * a second namespace joined by a veth pair, as the world beyond NAT.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export class NetworkNamespace {
  private constructor(readonly name: string) {}

  /** A fresh namespace with lo up, deleted at the test's teardown. */
  static create(t: Teardown, prefix = 'berth-t'): NetworkNamespace {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    ip('netns', 'add', name);
    t.teardown(() => { try { ip('netns', 'del', name); } catch { /* gone */ } });
    const namespace = new NetworkNamespace(name);
    namespace.ip('link', 'set', 'lo', 'up');
    return namespace;
  }

  get path(): string {
    return `/run/netns/${this.name}`;
  }

  /** The argv prefix that runs a program in this namespace. */
  get prefix(): string[] {
    return ['nsenter', `--net=${this.path}`];
  }

  /** `ip ...` inside the namespace. */
  ip(...args: string[]): string {
    return ip('-n', this.name, ...args);
  }

  /**
   * A second namespace as "the outside world": a veth pair, this side 10.200.0.1/24 and the
   * outside 10.200.0.2/24, and this namespace's default route through it; with `ipv6`, also
   * fd99:200::1/64 and fd99:200::2/64 (no DAD) and an IPv6 default route.
   */
  outside(t: Teardown, opts: { ipv6?: boolean } = {}): { namespace: NetworkNamespace; address: string; inside: string; address6: string; inside6: string } {
    const outside = NetworkNamespace.create(t, 'berth-o');
    const link = `vo${randomBytes(3).toString('hex')}`;
    this.ip('link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside.name);
    this.ip('addr', 'add', '10.200.0.1/24', 'dev', link);
    this.ip('link', 'set', link, 'up');
    outside.ip('addr', 'add', '10.200.0.2/24', 'dev', 'eth0');
    outside.ip('link', 'set', 'eth0', 'up');
    this.ip('route', 'add', 'default', 'via', '10.200.0.2');
    if (opts.ipv6) {
      this.ip('addr', 'add', 'fd99:200::1/64', 'dev', link, 'nodad');
      outside.ip('addr', 'add', 'fd99:200::2/64', 'dev', 'eth0', 'nodad');
      this.ip('-6', 'route', 'add', 'default', 'via', 'fd99:200::2');
    }
    return { namespace: outside, address: '10.200.0.2', inside: '10.200.0.1', address6: 'fd99:200::2', inside6: 'fd99:200::1' };
  }
}
