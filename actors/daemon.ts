/**
 * The daemon: joins (or starts) NATS, makes sure the event stream exists, rebuilds this host's
 * actors from the log, reconciles them with the kernel, and serves requests until told to stop.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { ensureEventStream, JetStreamEventStore } from '../events/jetStream.js';
import { KvSnapshotStore } from '../events/kvSnapshots.js';
import { BerthError } from '../events/errors.js';
import { EVENTS_STREAM, HEARTBEAT_BUCKET, SNAPSHOT_BUCKET, SUBJECT_TOKEN, hostInboxPrefix } from '../events/subjects.js';
import { createCgroupManager } from '../runtime/cgroups/detect.js';
import type { Layout } from '../runtime/layout.js';
import { connectNats, type NatsTarget } from '../runtime/nats/connect.js';
import { ensureEmbeddedNats } from '../runtime/nats/embedded.js';
import { clusterSizeOf, replicasFor, waitForJetStream, waitForStreamLeader } from '../runtime/nats/clusterSize.js';
import { untilAnswered } from '../runtime/nats/untilAnswered.js';
import { lockRoot } from '../runtime/daemonLock.js';
import { Worker } from '../runtime/worker.js';
import { Fencing } from './fencing/fencing.js';
import { openFenceBucket } from './fencing/fenceStore.js';
import { Heartbeats, openHeartbeatBucket } from './heartbeats.js';
import { Host } from './host.js';
import { NodeRecord } from './node.js';
import { VERSION } from './requests.js';
import { serveRequests } from './server.js';

export interface DaemonOptions {
  layout: Layout;
  /** An external NATS; without it the daemon runs the embedded nats-server. */
  nats?: NatsTarget;
  hostId?: string;
  /** false: replay the whole log at every start (no snapshot bucket). */
  snapshots?: boolean;
  /** How long the history of removed containers is kept (ms); default 7 days. */
  retentionMs?: number;
  /** `--label key=value`: what placement constraints match. */
  labels?: Record<string, string>;
  /** Docker's --bridge: 'none' makes no default `bridge` network (run without --network gets none). */
  bridge?: string;
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
  if (!SUBJECT_TOKEN.test(id)) throw new BerthError(`invalid host id "${id}": use letters, digits, '-' and '_'`);
  if (id !== stored) await fs.writeFile(layout.hostIdFile, `${id}\n`);
  return id;
}

export async function runDaemon(options: DaemonOptions): Promise<{ stop(): Promise<void> }> {
  const started = performance.now();
  const { layout } = options;
  await fs.mkdir(layout.root, { recursive: true, mode: 0o700 });
  await fs.mkdir(layout.runRoot, { recursive: true, mode: 0o700 });
  const phase = (name: string) => { if (process.env.BERTH_DEBUG) console.error(`berthd: ${name} at ${(performance.now() - started).toFixed(0)} ms`); };
  const lock = await lockRoot(layout.root);
  phase('locked');
  const hostId = await chooseHostId(layout, options.hostId);
  const target: NatsTarget = options.nats ?? (await ensureEmbeddedNats(layout));
  phase('nats up');
  // Its own inbox prefix: a host's credentials allow no other inboxes.
  const nc = await connectNats({ ...target, inboxPrefix: options.nats ? hostInboxPrefix(hostId) : undefined }, `berthd-${hostId}`);
  phase('connected');
  await waitForJetStream(nc);
  const replicas = replicasFor(clusterSizeOf(nc.info));
  await untilAnswered('the events stream', () => ensureEventStream(nc, replicas));
  await waitForStreamLeader(nc, EVENTS_STREAM);
  phase(`stream (replicas ${replicas})`);
  const cgroups = await createCgroupManager();
  const worker = new Worker(layout, cgroups);
  const snapshots = options.snapshots === false ? undefined : await untilAnswered('the snapshot bucket', () => KvSnapshotStore.open(nc, replicas));
  if (snapshots) await waitForStreamLeader(nc, `KV_${SNAPSHOT_BUCKET}`);
  const store = new JetStreamEventStore(nc);
  const host = new Host(hostId, nc, store, worker, snapshots, { defaultBridge: options.bridge !== 'none' });
  phase('snapshots open');
  // In a cluster, the host reads its fence record before it resumes (docs/MULTIHOST.md):
  // the containers rescheduled elsewhere are held (not restarted) and stopped before it serves.
  const fenceBucket = options.nats ? await untilAnswered('the fence bucket', () => openFenceBucket(nc, replicas)) : null;
  const fencing = fenceBucket ? new Fencing(nc, fenceBucket, host) : null;
  const ownFence = fencing ? await untilAnswered('the fence record', () => fencing.ownFence()) : null;
  const replayed = await host.start(new Set(ownFence?.record.replacements.map((r) => r.container)));
  phase('replayed and reconciled');
  if (fencing && ownFence) {
    // Not acknowledged: the host refuses commands until a later round of fencing manages it.
    await fencing.acknowledge(ownFence).catch((error: Error) => console.error(`berthd: fencing: ${error.message}`));
  }
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
  const compact = () => host.compact(retentionMs).catch((error: Error) => console.error(`berthd: compaction: ${error.message}`));
  await compact();
  const compaction = setInterval(compact, Math.min(retentionMs, 3600_000));
  compaction.unref();
  const node = await untilAnswered('the node events', () => NodeRecord.open(hostId, store));
  const heartbeatBucket = await untilAnswered('the heartbeat bucket', () => openHeartbeatBucket(nc, replicas));
  const heartbeats = new Heartbeats(heartbeatBucket, {
    host: hostId,
    version: VERSION,
    labels: options.labels ?? {},
    containersRunning: () => [...host.containers.values()].filter((c) => ['running', 'starting', 'paused'].includes(c.state.status)).length,
  });
  await waitForStreamLeader(nc, `KV_${HEARTBEAT_BUCKET}`);
  const subscription = serveRequests(nc, host, node);
  await nc.flush();
  await heartbeats.start();
  fencing?.start();
  const info: DaemonInfo = { pid: process.pid, host: hostId, url: target.url };
  await fs.writeFile(layout.daemonInfo, JSON.stringify(info), { mode: 0o600 });
  const ms = (performance.now() - started).toFixed(0);
  console.error(`berthd: ready: host ${hostId}, ${replayed.snapshots} snapshots and ${replayed.events} events replayed, cgroup ${cgroups.mode}, ${ms} ms`);
  return {
    async stop() {
      clearInterval(compaction);
      fencing?.stop();
      await heartbeats.stop(true);
      subscription.unsubscribe();
      await host.flushSnapshots().catch((error: Error) => console.error(`berthd: snapshots: ${error.message}`));
      host.stop();
      await worker.close();
      // Drain, but never hang on a broker that is gone.
      const draining = performance.now();
      await Promise.race([nc.drain().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (process.env.BERTH_DEBUG) console.error(`berthd: drained in ${(performance.now() - draining).toFixed(0)} ms`);
      await nc.close().catch(() => {});
      await lock.release();
      const current = await fs.readFile(layout.daemonInfo, 'utf8').catch(() => '');
      if (current.includes(`"pid":${process.pid},`)) await fs.rm(layout.daemonInfo, { force: true });
    },
  };
}
