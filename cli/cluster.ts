#!/usr/bin/env node
/** `berth-cluster`: writes the NATS configs and credentials of a berth cluster (docs/MULTIHOST.md). */
import { Command } from 'commander';
import { initCluster } from '../nats/cluster/init.js';
import { setupCluster } from '../nats/cluster/setup.js';
import { collect } from './verbs/verb.js';
import { parseHostLost } from '../events/hostTimings.js';

const program = new Command('berth-cluster').description('Write the NATS configs and credentials of a berth cluster');
program.command('init')
  .requiredOption('--dir <dir>', 'where to write <node>.conf, creds/ and plan.json')
  .option('--cluster <name>', 'the cluster name', 'berth')
  .option('--node <name=address[:client[:cluster]]>', 'a nats-server node (repeat; 3 for a replicated log)', collect, [])
  .option('--host <id>', 'a berth host that gets credentials (repeat)', collect, [])
  .option('--user <name>', 'a CLI user that gets credentials (repeat)', collect, [])
  .option('--store <dir>', 'each node\'s JetStream store dir ({node} is replaced)', '/var/lib/berth-nats/{node}')
  .option('--tls <cert,key,ca>', 'TLS files for clients and routes (paths on the nodes, {node} replaced; scripts/cluster-certs.sh makes them)')
  .action(async (opts: { dir: string; cluster: string; node: string[]; host: string[]; user: string[]; store: string; tls?: string }) => {
    const [cert, key, ca] = opts.tls?.split(',') ?? [];
    const plan = await initCluster({
      dir: opts.dir,
      cluster: opts.cluster,
      nodes: opts.node,
      hosts: opts.host,
      users: opts.user,
      storeDir: (node) => opts.store.replaceAll('{node}', node),
      tls: opts.tls ? { cert, key, ca } : undefined,
    });
    process.stdout.write(`wrote ${plan.nodes.length} node configs and ${plan.principals.length} creds files in ${opts.dir}\n`);
  });
program.command('setup')
  .description('create the events stream and the buckets (the operator\'s step; hosts only adopt them)')
  .requiredOption('--nats <urls>', 'the cluster\'s client URLs, comma-separated')
  .requiredOption('--creds <file>', 'the operator\'s creds (creds/operator.creds)')
  .option('--host-lost <duration>', 'how long a host\'s heartbeat lives: the lost threshold every host adopts (default 6s; beats every (threshold - 2 s) / 2, a lease of threshold - 2 s)')
  .action(async (opts: { nats: string; creds: string; hostLost?: string }) => {
    const hostLostMs = opts.hostLost === undefined ? undefined : parseHostLost(opts.hostLost, '--host-lost');
    const { replicas } = await setupCluster({ url: opts.nats, credsFile: opts.creds, caFile: process.env.BERTH_NATS_CA }, hostLostMs);
    process.stdout.write(`the events stream and buckets are ready (${replicas} replicas)\n`);
  });
try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`berth-cluster: ${(error as Error).message}\n`);
  process.exitCode = 125;
}
