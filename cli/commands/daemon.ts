/**
 * `berth daemon`: berthd's program in this process, from the daemon's own bundle (cli/daemon.ts),
 * so that the CLI's bundle holds none of the daemon.
 */
import { daemonArgv, loadDaemonProgram } from '../daemonLauncher.js';

export default async function daemon(): Promise<number> {
  return loadDaemonProgram().main(daemonArgv(process.argv));
}
