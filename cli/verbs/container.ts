/** The container verbs and their flags, as Docker spells them. */
import { Option, type Command } from 'commander';
import { addHostConfigOptions } from './hostConfig.js';
import { addNetworkOptions } from '../networkFlags.js';
import { boolFlag, collect, type Verb } from './verb.js';

export function registerContainerVerbs(program: Command, verb: Verb): void {
  const run = (cmd: Command) => addNetworkOptions(addHostConfigOptions(cmd))
    .argument('<image>')
    .argument('[command...]')
    .passThroughOptions()
    .option('--rm', 'remove the container when it exits')
    .option('-i, --interactive', 'keep stdin open and forward it to the container')
    .option('-t, --tty', 'allocate a pseudo-terminal (detach with ctrl-p ctrl-q)')
    .option('--detach-keys <keys>', 'the key sequence that detaches, e.g. ctrl-a,d (default ctrl-p,ctrl-q)')
    .option('--name <name>', 'name the container')
    .option('--constraint <key=value>', 'in a cluster: place only on a host with this label, or host=NAME (repeatable)', collect, [])
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect, [])
    .option('--env-file <file>', 'read environment variables from a file of KEY=VALUE lines (repeatable)', collect, [])
    .option('--label-file <file>', 'read labels from a file of KEY=VALUE lines (repeatable)', collect, [])
    .option('--cidfile <file>', 'write the container id to this file (which must not exist)')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--entrypoint <command>', 'replace the image\'s ENTRYPOINT (\'\' clears it; the image\'s CMD is then not used)')
    .option('--hostname <name>', 'container hostname')
    .option('--stop-signal <signal>', 'the signal stop sends first (default: the image\'s, else SIGTERM)')
    .option('-m, --memory <bytes>', 'memory limit (e.g. 64m)')
    .option('--pids-limit <n>', 'maximum number of processes')
    .option('-l, --label <KEY=VALUE>', 'set a label (repeatable)', collect, [])
    .option('-v, --volume <spec>', 'NAME:/path[:ro], /host:/path[:ro][,propagation] or /path (repeatable)', collect, [])
    .option('--mount <spec>', 'type=volume|bind|tmpfs,src=…,dst=…[,readonly,…] (repeatable)', collect, [])
    .option('--tmpfs <spec>', '/path[:size=…,mode=…] (repeatable)', collect, [])
    .option('--volumes-from <container[:ro|rw]>', 'mount the volumes of another container (repeatable)', collect, [])
    .option('--init', 'run an init as pid 1 that reaps zombies and passes signals on')
    .option('--log-driver <driver>', 'json-file, local, none or journald (default: the daemon\'s)')
    .option('--log-opt <key=value>', 'log driver option: json-file max-size=10m, max-file=3, labels=a,b, env=A,B; local max-size, max-file, compress; journald tag (repeatable)', collect, [])
    .option('--restart <policy>', 'no, on-failure[:max-retries], always or unless-stopped', 'no')
    .option('--health-cmd <command>', 'command to run to check health (run by /bin/sh -c)')
    .option('--health-interval <duration>', 'time between checks (e.g. 30s)')
    .option('--health-timeout <duration>', 'maximum time one check may take')
    .option('--health-start-period <duration>', 'failures in this period after start do not count')
    .option('--health-retries <n>', 'consecutive failures that make it unhealthy')
    .option('--no-healthcheck', 'disable the image\'s HEALTHCHECK');

  run(program.command('run').description('Create and start a container, and follow it'))
    .option('-d, --detach', 'run in the background and print the container id').action(verb('run'));
  run(program.command('create').description('Create a container without starting it; prints its id')).action(verb('create'));
  program.command('start').description('Start stopped containers').argument('<containers...>')
    .option('-a, --attach', 'follow the output and exit with the container\'s code')
    .option('-i, --interactive', 'accepted for Docker\'s habits; stdin is not attached')
    .action(verb('start'));
  program.command('attach').description('Attach this terminal to a running container (detach with ctrl-p ctrl-q)')
    .argument('<container>')
    .option('--detach-keys <keys>', 'the key sequence that detaches, e.g. ctrl-a,d (default ctrl-p,ctrl-q)')
    .option('--no-stdin', 'do not forward this terminal\'s stdin (ctrl-c leaves; the container runs on)')
    .action(verb('attach'));
  program.command('restart').description('Restart containers (stop, then start)').argument('<containers...>')
    .option('-t, --time <seconds>', 'seconds to wait before killing', '10')
    .option('-s, --signal <signal>', 'the signal to stop with (default: the container\'s stop signal)').action(verb('restart'));
  const ps = program.command('ps').description('List containers')
    .option('-a, --all', 'show all containers (default shows running)')
    .option('-q, --quiet', 'only ids')
    .option('-n, --last <n>', 'show the n last created containers (all states)')
    .option('-l, --latest', 'show the latest created container (all states)')
    .option('-f, --filter <key=value>', 'id, name, label, status, exited, ancestor (repeatable)', collect, [])
    .option('-s, --size', 'show the bytes each container wrote, and with its image\'s (virtual)')
    .option('--no-trunc', 'do not truncate output')
    .addOption(new Option('--format <format>', 'table (default), json, or a Go template like \'{{.ID}} {{.Names}}\''))
    .action(verb('ps'));
  if (program.name() === 'container') {
    ps.alias('ls').alias('list');
    program.command('prune').description('Remove every container that is not running')
      .option('-f, --force', 'do not ask for confirmation').action(verb('containerPrune'));
  }
  program.command('logs').description('Show a container\'s output').argument('<container>')
    .option('-f, --follow', 'follow the output')
    .option('--since <time>', 'from this time (RFC 3339, Unix time, or a duration like 10m)')
    .option('--until <time>', 'before this time (RFC 3339, Unix time, or a duration like 10m)')
    .option('-n, --tail <n>', 'the last n lines, or all', 'all')
    .option('-t, --timestamps', 'show the time of each line')
    .option('--details', 'show the labels and env variables named by --log-opt labels=/env= with each line')
    .action(verb('logs'));
  program.command('stop').description('Stop containers (their stop signal, SIGTERM by default, then SIGKILL)').argument('<containers...>')
    .option('-t, --time <seconds>', 'seconds to wait before killing', '10')
    .option('-s, --signal <signal>', 'the signal to stop with (default: the container\'s stop signal)').action(verb('stop'));
  program.command('kill').description('Send a signal to containers').argument('<containers...>')
    .option('-s, --signal <signal>', 'the signal', 'KILL').action(verb('kill'));
  program.command('rm').description('Remove containers').argument('<containers...>')
    .option('-f, --force', 'kill and remove a running container')
    .option('-v, --volumes', 'remove the anonymous volumes of the container').action(verb('rm'));
  program.command('inspect').description('Show low-level information as JSON').argument('<names...>')
    .option('--type <type>', 'container, image or volume')
    .option('-s, --size', 'a container\'s SizeRw and SizeRootFs too')
    .option('-f, --format <format>', 'json (default) or a Go template like \'{{.State.Status}}\'')
    .action(verb('inspect'));
  program.command('wait').description('Wait for containers to stop and print their exit codes').argument('<containers...>')
    .option('--condition <condition>', 'not-running, next-exit or removed', 'not-running')
    .action(verb('wait'));
  program.command('export').description('Export a container\'s filesystem as a tar archive').argument('<container>')
    .option('-o, --output <file>', 'write to a file instead of stdout').action(verb('export'));
  program.command('cp').description('Copy files and dirs between a container and the host')
    .usage('[options] CONTAINER:SRC_PATH DEST_PATH|-\n       berth cp [options] SRC_PATH|- CONTAINER:DEST_PATH')
    .argument('<source>', 'CONTAINER:PATH, a host path, or - (a tar on stdin)')
    .argument('<destination>', 'CONTAINER:PATH, a host path, or - (a tar on stdout)')
    .option('-a, --archive', 'keep the uid and gid of the files')
    .option('-L, --follow-link', 'copy what a source symlink points to, not the link')
    .option('-q, --quiet', 'do not print the summary on stderr')
    .addHelpText('after', '\nExamples:\n  berth cp web:/etc/nginx/nginx.conf .\n  berth cp ./site/. web:/usr/share/nginx/html\n  berth cp web:/var/log - | tar -t')
    .action(verb('cp'));
  program.command('diff').description('Show the files a container added (A), changed (C) or deleted (D)').argument('<container>')
    .action(verb('diff'));
  program.command('commit').description('Create a new image from a container\'s changes; prints its id')
    .argument('<container>').argument('[repository[:tag]]')
    .option('-m, --message <text>', 'commit message (shown by history)')
    .option('-a, --author <name>', 'author (e.g. "Jane Doe <jane@example.com>")')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, USER, WORKDIR, VOLUME, STOPSIGNAL (repeatable)', collect, [])
    .addOption(new Option('--pause [bool]', 'freeze the container while committing (the default; --pause=false or --no-pause: do not)').argParser(boolFlag('--pause')).default(true))
    .option('-p', 'the same as --pause (so that `-p CONTAINER` does not read CONTAINER as its value)')
    .addOption(new Option('--no-pause').hideHelp())
    .action(verb('commit'));
  program.command('port').description('List a container\'s published ports')
    .argument('<container>').argument('[private-port[/proto]]').action(verb('port'));
  program.command('rename').description('Rename a container').argument('<container>').argument('<new-name>')
    .action(verb('rename'));
  program.command('update').description('Change limits and the restart policy of containers, live').argument('<containers...>')
    .option('-m, --memory <bytes>', 'memory limit (e.g. 64m)')
    .option('--pids-limit <n>', 'maximum number of processes')
    .option('--log-opt <key=value>', 'json-file log option: max-size=10m, max-file=3 (repeatable)', collect, [])
    .option('--restart <policy>', 'no, on-failure[:max-retries], always or unless-stopped')
    .option('--cpus <n>', 'CPU time as a number of CPUs (e.g. 0.5)')
    .option('-c, --cpu-shares <n>', 'relative CPU weight')
    .option('--cpuset-cpus <list>', 'the CPUs it may run on (0-1, 0,2)')
    .option('--blkio-weight <n>', 'relative io weight, 10 to 1000')
    .action(verb('update'));
}
