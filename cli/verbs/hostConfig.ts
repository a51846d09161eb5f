/** `run`'s security and resource flags, as Docker spells them (parsed by cli/hostConfigFlags.ts). */
import type { Command } from 'commander';
import { collect } from './verb.js';

export function addHostConfigOptions(cmd: Command): Command {
  return cmd
    .option('--cap-add <capability>', 'add a Linux capability (repeatable; ALL for every one)', collect, [])
    .option('--cap-drop <capability>', 'drop a Linux capability (repeatable; ALL for every one)', collect, [])
    .option('--privileged', 'every capability and device, no seccomp filter, no masked paths')
    .option('--security-opt <option>', 'no-new-privileges[:true|false], seccomp=unconfined|FILE (a Docker profile) (repeatable)', collect, [])
    .option('--userns <mode>', 'host: no user namespace, though the daemon runs with --userns-remap')
    .option('--read-only', 'mount the root filesystem read-only')
    .option('-u, --user <user>', 'name|uid[:group|gid] to run as, from the image\'s /etc/passwd and /etc/group')
    .option('--ulimit <name=soft[:hard]>', 'a resource limit, e.g. nofile=1024:2048 (repeatable)', collect, [])
    .option('--network <network>', 'a network\'s name, bridge (the default), none, host or container:NAME')
    .option('--cpus <n>', 'CPU time as a number of CPUs, e.g. 0.5')
    .option('-c, --cpu-shares <n>', 'relative CPU weight')
    .option('--cpuset-cpus <list>', 'CPUs allowed, e.g. 0-1 or 0,2')
    .option('--memory-swap <bytes>', 'memory plus swap (-1: unlimited swap)')
    .option('--blkio-weight <n>', 'relative block io weight, 10 to 1000')
    .option('--memory-high <bytes>', 'memory.high throttling threshold (cgroup v2 only)');
}
