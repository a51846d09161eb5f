/**
 * The daemon: joins (or starts) NATS, makes sure the event stream exists, rebuilds this host's
 * actors from the log, reconciles them with the kernel, and serves requests until told to stop.
 */
import { SecretBox } from '../runtime/secrets/secretBox.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import { ensureEventStream, JetStreamEventStore } from '../nats/store/jetStream.js';
import { durabilityOf } from './durability.js';
import { KvSnapshotStore } from '../nats/store/kvSnapshots.js';
import { BerthError } from '../events/errors.js';
import { hostTimings } from '../events/hostTimings.js';
import { CLUSTER_SCOPE, EVENTS_STREAM, HEARTBEAT_BUCKET, SNAPSHOT_BUCKET, SUBJECT_TOKEN, hostInboxPrefix } from '../events/subjects.js';
import { createCgroupManager } from '../runtime/cgroups/detect.js';
import type { Layout } from '../runtime/layout.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, type NatsTarget } from '../nats/server/connect.js';
import { embeddedTarget, ensureEmbeddedNats } from '../nats/server/embedded.js';
import { followReachability } from '../nats/server/reachability.js';
import { superviseEmbeddedNats } from '../nats/server/supervisor.js';
import { clusterSizeOf, replicasFor, waitForJetStream, waitForStreamLeader } from '../nats/server/clusterSize.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';
import { lockRoot } from '../runtime/daemonLock.js';
import { notifyReady } from '../runtime/systemdNotify.js';
import { Worker } from '../runtime/worker.js';
import { Fencing } from './fencing/fencing.js';
import { SelfFencing } from './fencing/selfFencing.js';
import { KvFenceStore } from '../nats/store/kvFences.js';
import { KvHeartbeatStore } from '../nats/store/kvHeartbeats.js';
import { NatsClusterState } from '../nats/store/clusterState.js';
import { Heartbeats } from './heartbeats.js';
import { Host, type HostSettings } from './host.js';
import { NodeRecord } from './node.js';
import { VERSION } from './requests.js';
import { serveRequests, type RequestDoor } from './server.js';
import type { Logger } from '../log/logger.js';
import { processLogger } from '../log/settings.js';
import { isUp } from '../events/containerStatus.js';
import { startDockerApi, type DockerApi } from '../api/index.js';
import { dockerApiScope, type DockerApiScope } from '../api/scope.js';
import { EngineMetrics } from './metrics/engineMetrics.js';
import { MeasuredEventStore } from './metrics/measuredStore.js';
import { serveMetrics } from './metrics/server.js';

export interface DaemonOptions {
  layout: Layout;
  /** An external NATS; without it the daemon runs the embedded nats-server. */
  nats?: NatsTarget;
  hostId?: string;
  /** false: replay the whole log at every start (no snapshot bucket). */
  snapshots?: boolean;
  /** How long the history of removed containers is kept (ms); default 7 days. */
  retentionMs?: number;
  /** The events stream's byte limit (nats/store/jetStream.ts; default 1 GiB). */
  eventsMaxBytes?: number;
  /** `--label key=value`: what placement constraints match. */
  labels?: Record<string, string>;
  /** Where the daemon logs (default: the process's logger, from the environment). */
  log?: Logger;
  /** Docker's --bridge: 'none' makes no default `bridge` network (run without --network gets none). */
  bridge?: string;
  /** The link overlay networks' VXLAN traffic goes over (default: the default route's). */
  dataInterface?: string;
  /** The settings the handlers read: default log options, the config file and each setting's source. */
  settings?: HostSettings;
  /** HOST:PORT where Prometheus' /metrics is served; none when absent. */
  metricsAddr?: string;
  /** The Docker Engine API's socket (daemon.json's docker-socket); absent: `<run root>/docker.sock`; '': none. */
  dockerSocket?: string;
  /** A CLI user's creds file: in a cluster, the Docker API socket serves every host through it (api/scope.ts). */
  dockerApiCreds?: string;
  /**
   * The lost threshold (ms) of the heartbeat bucket, when this daemon creates it; an existing
   * bucket's must match. Absent: the bucket's (6 s when the daemon creates it). Every other
   * liveness timing follows from it (events/hostTimings.ts).
   */
  hostLostMs?: number;
}

/** What SIGHUP changes in a running daemon (the rest takes a restart). */
export interface ReloadableSettings {
  labels: Record<string, string>;
  settings: HostSettings;
}

/** A running daemon. */
export interface RunningDaemon {
  /** Applies what can change live: the placement labels, the default log options, the sources `info` shows. */
  reload(next: ReloadableSettings): void;
  stop(): Promise<void>;
}

/** What `berthd.json` in the run root says once the daemon is ready. */
export interface DaemonInfo {
  pid: number;
  host: string;
  url: string;
}

async function chooseHostId(layout: Layout, wanted?: string): Promise<string> {
  const stored = await fs.readFile(layout.hostIdFile, 'utf8').then((s) => s.trim(), () => '');
  const id = wanted ?? (stored || os.hostname().replace(/[^A-Za-z0-9_-]/g, '-'));
  if (!SUBJECT_TOKEN.test(id) || id === CLUSTER_SCOPE) throw new BerthError(`invalid host id "${id}": use letters, digits, '-' and '_'`);
  if (id !== stored) await fs.writeFile(layout.hostIdFile, `${id}\n`);
  return id;
}

/**
 * The Docker Engine API on its socket, answering this daemon's own host in process (`door`). Its
 * scope (api/scope.ts): this host, or in a cluster the whole cluster, routed as the CLI without
 * --host routes, over the daemon's connection or over a CLI user's (`docker-api-creds`).
 */
async function startDockerApiFor(options: DaemonOptions, scope: DockerApiScope, nc: NatsConnection, door: RequestDoor, hostId: string, log: Logger): Promise<DockerApi | null> {
  const socketPath = options.dockerSocket ?? options.layout.dockerSocket;
  if (socketPath === '') return null;
  const local = { host: hostId, answer: door.answer };
  if (scope.kind === 'host') {
    if (scope.why) log.warn(scope.why);
    return startDockerApi({ socketPath, engine: { nc, layout: options.layout, host: hostId, local }, log });
  }
  if (scope.connection === 'daemon') return startDockerApi({ socketPath, engine: { nc, layout: options.layout, local }, log });
  // The CLI user's connection, the API's own: it reconnects, as the daemon's does.
  const own = await connectNats({ ...options.nats!, credsFile: scope.credsFile, inboxPrefix: undefined }, `berth-docker-api-${hostId}`, { reconnect: true });
  try {
    const api = await startDockerApi({ socketPath, engine: { nc: own, layout: options.layout, local }, log });
    return {
      socketPath: api.socketPath,
      async close() {
        try { await api.close(); } finally { await own.close(); }
      },
    };
  } catch (error) {
    await own.close().catch(() => {});
    throw error;
  }
}

export async function runDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const started = performance.now();
  const { layout } = options;
  // A setting that cannot apply stops the start before anything runs.
  const apiScope = dockerApiScope({ cluster: !!options.nats, daemonCreds: options.nats?.credsFile, apiCreds: options.dockerApiCreds });
  await fs.mkdir(layout.root, { recursive: true, mode: 0o700 });
  await fs.mkdir(layout.runRoot, { recursive: true, mode: 0o700 });
  const log = options.log ?? processLogger();
  const phase = (name: string, fields: Record<string, unknown> = {}) => log.debug(name, { ...fields, ms: Math.round(performance.now() - started) });
  const lock = await lockRoot(layout.root);
  phase('locked');
  // Listening first: an address in use or malformed stops the start before anything runs.
  const metrics = options.metricsAddr ? new EngineMetrics() : null;
  const metricsServer = metrics ? await serveMetrics(metrics, options.metricsAddr!, log) : null;
  const hostId = await chooseHostId(layout, options.hostId);
  const embedded = options.nats ? null : await ensureEmbeddedNats(layout);
  const target: NatsTarget = options.nats ?? embeddedTarget(embedded!);
  phase('nats up');
  // Its own inbox prefix: a host's credentials allow no other inboxes.
  const nc = await connectNats({ ...target, inboxPrefix: options.nats ? hostInboxPrefix(hostId) : undefined }, `berthd-${hostId}`);
  const connection = followReachability(nc);
  // The embedded server is started again when it dies (the certificate stays pinned).
  const supervisor = embedded ? superviseEmbeddedNats(layout, embedded, (line) => log.warn(line)) : null;
  phase('connected');
  await waitForJetStream(nc);
  const replicas = replicasFor(clusterSizeOf(nc.info));
  const copies = await untilAnswered('the events stream', () => ensureEventStream(nc, replicas, options.eventsMaxBytes));
  await waitForStreamLeader(nc, EVENTS_STREAM);
  phase('stream', { replicas });
  const cgroups = await createCgroupManager();
  const worker = new Worker(layout, cgroups, log, await SecretBox.open(layout.secretKeyFile));
  const snapshots = options.snapshots === false ? undefined : await untilAnswered('the snapshot bucket', () => KvSnapshotStore.open(nc, replicas));
  if (snapshots) await waitForStreamLeader(nc, `KV_${SNAPSHOT_BUCKET}`);
  const store = metrics ? new MeasuredEventStore(new JetStreamEventStore(nc, log), metrics) : new JetStreamEventStore(nc, log);
  const fences = options.nats ? await untilAnswered('the fence bucket', () => KvFenceStore.open(nc, replicas)) : null;
  const host = new Host(hostId, nc, store, worker, snapshots, log, { defaultBridge: options.bridge !== 'none', dataInterface: options.dataInterface, root: layout.root, fences: fences ?? undefined });
  if (options.settings) host.settings = options.settings;
  host.durability = durabilityOf(copies);
  metrics?.watch(host);
  phase('snapshots open');
  // In a cluster, the host reads its fence record before it resumes (docs/MULTIHOST.md):
  // the containers rescheduled elsewhere are held (not restarted) and stopped before it serves.
  const heartbeatStore = await untilAnswered('the heartbeat bucket', () => KvHeartbeatStore.open(nc, replicas, options.hostLostMs));
  // The bucket's max age, shared by the cluster, sets this host's beat, lease and fencing rounds.
  const timings = hostTimings(heartbeatStore.expiryMs);
  phase('heartbeat timings', { ...timings });
  const beating = {
    host: hostId,
    version: VERSION,
    labels: options.labels ?? {},
    log,
    containersRunning: () => [...host.containers.values()].filter((c) => isUp(c.state.status)).length,
  };
  const heartbeats = new Heartbeats(heartbeatStore, beating, timings);
  // Fencing judges other hosts only while this host's own heartbeats go in steadily.
  const fencing = fences ? new Fencing(fences, new NatsClusterState(nc), host, log, heartbeats, timings) : null;
  // Self-fencing bounds this host's own lease: cut off from the majority, it freezes what fencing would reschedule.
  const selfFencing = fencing ? new SelfFencing(host, heartbeats, fences!, fencing, log, timings) : null;
  const ownFence = fencing ? await untilAnswered('the fence record', () => fencing.ownFence()) : null;
  const replayed = await host.start(new Set(ownFence?.record.replacements.map((r) => r.container))).catch(async (error: Error) => {
    // A log this berth cannot read (a newer berth wrote it: NewerSchemaError) or cannot
    // replay: nothing went live, and the daemon ends here, with what it opened closed.
    supervisor?.stop();
    await Promise.allSettled([worker.close(), metricsServer?.close(), nc.close(), lock.release()]);
    throw error;
  });
  phase('replayed and reconciled');
  if (fencing && ownFence) {
    // Not acknowledged: the host refuses commands until a later round of fencing manages it.
    await fencing.acknowledge(ownFence).catch((error: Error) => log.error('fencing: acknowledging the fence failed', { error }));
  }
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
  let compaction: NodeJS.Timeout | undefined;
  const compact = () => host.compact(retentionMs).catch((error: Error) => {
    if (!/permission/i.test(error.message)) return log.error('compaction failed', { error });
    // A host's cluster credentials may not purge (nats/cluster/permissions.ts).
    log.warn('compaction: these credentials may not purge the event log (the operator\'s may); the history of removed containers is kept');
    clearInterval(compaction);
  });
  compaction = setInterval(compact, Math.min(retentionMs, 3600_000));
  compaction.unref();
  const node = await untilAnswered('the node events', () => NodeRecord.open(hostId, store));
  await waitForStreamLeader(nc, `KV_${HEARTBEAT_BUCKET}`);
  const door = serveRequests(nc, host, node, metrics);
  await nc.flush();
  await heartbeats.start();
  // The heartbeat is a JetStream write every 2 s (by default): its acknowledgements tell the supervisor that JetStream answers.
  supervisor?.watchJetStream(() => heartbeats.acknowledgedSentAt());
  fencing?.start();
  selfFencing?.start();
  // Serving the API before the daemon says it is ready: a client that sees berthd.json finds the socket.
  const dockerApi = await startDockerApiFor(options, apiScope, nc, door, hostId, log);
  const info: DaemonInfo = { pid: process.pid, host: hostId, url: target.url };
  await fs.writeFile(layout.daemonInfo, JSON.stringify(info), { mode: 0o600 });
  if (metricsServer) log.info('serving metrics', { address: `${metricsServer.address.address}:${metricsServer.address.port}` });
  // Under systemd (Type=notify): `systemctl start` returns now. A failure is logged, not fatal:
  // systemd then ends the start itself at its timeout.
  await notifyReady(`serving host ${hostId}`).catch((error: Error) => log.error('readiness not told to systemd', { error }));
  // The first compaction once ready: it reads the retired snapshots, which the start left out.
  void compact();
  log.info('ready', { host: hostId, snapshots: replayed.snapshots, ...(replayed.outdated ? { outdated: replayed.outdated } : {}), events: replayed.events, cgroup: cgroups.mode, ms: Math.round(performance.now() - started) });
  return {
    reload(next) {
      // The next heartbeat carries the labels; new containers take the log options.
      beating.labels = next.labels;
      host.settings = next.settings;
    },
    async stop() {
      await dockerApi?.close().catch((error: Error) => log.warn('closing the docker API failed', { error }));
      await metricsServer?.close();
      supervisor?.stop();
      clearInterval(compaction);
      fencing?.stop();
      selfFencing?.stop();
      // With NATS down, nothing that needs it is waited for: each call would time out in turn.
      const reachable = connection.reachable;
      if (!reachable) log.warn('NATS is unreachable; stopping without removing the heartbeat or writing snapshots');
      await heartbeats.stop(reachable);
      door.subscription.unsubscribe();
      if (reachable) await host.flushSnapshots().catch((error: Error) => log.error('writing the snapshots failed', { error }));
      host.stop();
      await worker.close();
      // Drain, but never hang on a broker that is gone.
      const draining = performance.now();
      // A broker that is gone cannot be drained: noted, and the stop goes on.
      // The timer is cleared once the drain is done: left running, it kept the process 2 s past its stop.
      let giveUp: NodeJS.Timeout | undefined;
      if (reachable) await Promise.race([nc.drain().catch((error: Error) => log.debug('drain failed', { error })), new Promise((resolve) => { giveUp = setTimeout(resolve, 2000); })]);
      clearTimeout(giveUp);
      log.debug('drained', { ms: Math.round(performance.now() - draining) });
      await nc.close().catch((error: Error) => log.debug('closing the NATS connection failed', { error }));
      await lock.release();
      const current = await fs.readFile(layout.daemonInfo, 'utf8').catch(() => '');
      if (current.includes(`"pid":${process.pid},`)) await fs.rm(layout.daemonInfo, { force: true });
    },
  };
}
