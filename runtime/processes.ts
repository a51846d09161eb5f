/** Whether a process is alive: it exists and is not a zombie waiting for its parent to reap it. */
import { readFileSync } from 'node:fs';

export function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The state follows the command name, which is in parentheses and may itself hold any byte.
  return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
}
