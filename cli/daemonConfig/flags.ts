/**
 * The daemon's flags, declared once for `berthd` and `berth daemon` alike (the data root, the
 * run root and --nats are the CLI's global flags, so berthd adds them itself). Each one has a
 * daemon.json key (cli/daemonConfig/schema.ts); a flag given wins over the file.
 */
import type { Command } from 'commander';
import { collect } from '../verbs/verb.js';

export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';

export function addDaemonOptions(command: Command): Command {
  return command
    .option('--config-file <path>', `the daemon's config file (default ${DEFAULT_CONFIG_FILE}; an absent default is no settings)`)
    .option('--host-id <id>', 'this host\'s id (BERTH_HOST_ID; default: the hostname)')
    .option('--creds <file>', 'credentials for the external NATS (BERTH_NATS_CREDS; berth-cluster writes them)')
    .option('--label <key=value>', 'a label placement constraints match (repeatable)', collect, [])
    .option('--no-snapshots', 'replay the whole log at every start (BERTH_SNAPSHOTS=0)')
    .option('--bridge <name>', 'none: no default bridge network; run without --network gets none (BERTH_BRIDGE)')
    .option('--retention <duration>', 'keep the history of removed containers this long (BERTH_RETENTION, default 168h)')
    .option('--events-max-bytes <size>', 'the event log\'s byte limit: full, it refuses new events and drops none (BERTH_EVENTS_MAX_BYTES, default 1g)')
    .option('--log-level <level>', 'error, warn, info (default) or debug (BERTH_LOG_LEVEL; BERTH_DEBUG=1 is debug)')
    .option('--log-driver <driver>', 'the default log driver of new containers: json-file (default), local, none or journald')
    .option('--log-opt <key=value>', 'options of the default log driver: max-size, max-file, labels, env, compress, tag (repeatable)', collect, [])
    .option('--docker-socket <path>', 'the Docker Engine API socket (default <run root>/docker.sock; \'\' turns it off)')
    .option('--docker-api-creds <file>', 'a CLI user\'s credentials for the Docker API socket (BERTH_DOCKER_API_CREDS): with them it serves the whole cluster; without, a daemon with a host\'s --creds serves its own host only')
    .option('--userns-remap <user[:group]>', 'container root is an unprivileged host uid: default (user dockremap) or USER[:GROUP], ranges from /etc/subuid and /etc/subgid')
    .option('--data-interface <name>', 'the link whose address carries overlay networks\' VXLAN traffic between hosts (BERTH_DATA_INTERFACE; default: the default route\'s)')
    .option('--host-lost <duration>', 'the lost threshold, when this daemon creates the heartbeat bucket (default 6s; beats every (threshold - 2 s) / 2, a lease of threshold - 2 s); an existing bucket\'s, the cluster\'s, must match')
    .option('--metrics-addr <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (off by default)');
}
