/**
 * The host's resolver configuration: /etc/resolv.conf of the daemon's mount namespace, or the
 * file BERTH_RESOLV_CONF names (a test's fake upstream, so that no query leaves the machine).
 */
import fs from 'node:fs/promises';

export function hostResolvConfPath(): string {
  return process.env.BERTH_RESOLV_CONF || '/etc/resolv.conf';
}

/** The file's text; empty when there is none. */
export function readHostResolvConf(): Promise<string> {
  return fs.readFile(hostResolvConfPath(), 'utf8').catch(() => '');
}

/** The values of a resolv.conf keyword (nameserver, search, options), in order. */
export function resolvConfField(text: string, keyword: string): string[] {
  return text.split('\n').map((line) => line.trim().split(/\s+/)).filter((words) => words[0] === keyword).flatMap((words) => words.slice(1));
}
