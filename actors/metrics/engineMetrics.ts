/**
 * The daemon's Prometheus metrics (prom-client): Docker's engine metrics under Docker's names,
 * every running container's cgroup under cAdvisor's (containerSeries.ts), and berth's own (event
 * appends, actors, reconciliations, snapshot age). Gauges are read from the host when scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { hasProcess, isRunning } from '../../events/containerStatus.js';
import type { Host } from '../host.js';
import { liveContainers, liveImages } from '../resolve.js';
import { ContainerSeries, type ContainerReading } from './containerSeries.js';
import type { AppendObserver } from './measuredStore.js';

/** The requests timed as container actions, under Docker's action names (`run` is one create request that starts too). */
const ACTIONS: Record<string, string> = {
  'container.create': 'create', 'container.start': 'start', 'container.stop': 'stop', 'container.restart': 'restart',
  'container.kill': 'kill', 'container.pause': 'pause', 'container.unpause': 'unpause', 'container.remove': 'delete', 'container.commit': 'commit',
};

export class EngineMetrics implements AppendObserver {
  readonly registry = new Registry();
  private readonly actions: Histogram<'action'>;
  private readonly events: Counter;
  private readonly appends: Histogram<'result'>;
  private readonly containers: ContainerSeries;
  private host: Host | null = null;

  constructor() {
    const registers = [this.registry];
    const host = () => this.host;
    // No collectDefaultMetrics: its nodejs_active_handles_total and the like are gauges named as
    // counters, which promtool check metrics refuses.
    new Gauge({
      name: 'engine_daemon_container_states_containers', help: 'The count of containers in various states', labelNames: ['state'], registers,
      collect() {
        const statuses = liveContainers(host()!).map((c) => c.state.status);
        // Docker's: a paused container is paused, not running.
        this.set({ state: 'running' }, statuses.filter((s) => isRunning(s) && s !== 'paused').length);
        this.set({ state: 'paused' }, statuses.filter((s) => s === 'paused').length);
        this.set({ state: 'stopped' }, statuses.filter((s) => !isRunning(s)).length);
      },
    });
    this.actions = new Histogram({ name: 'engine_daemon_container_actions_seconds', help: 'The number of seconds it takes to process each container action', labelNames: ['action'], registers });
    this.events = new Counter({ name: 'engine_daemon_events_total', help: 'The number of events logged', registers });
    this.appends = new Histogram({
      name: 'berth_event_append_seconds', help: 'Time to append one entity\'s events to the log (JetStream acknowledged)', labelNames: ['result'], registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    });
    new Gauge({
      name: 'berth_actors', help: 'Entity actors in memory, by kind', labelNames: ['kind'], registers,
      collect() {
        const h = host()!;
        this.set({ kind: 'container' }, h.containers.size);
        this.set({ kind: 'image' }, h.images.size);
        this.set({ kind: 'volume' }, h.volumes.entities.size);
        this.set({ kind: 'network' }, h.networks.entities.size);
      },
    });
    new Counter({
      name: 'berth_reconciled_containers_total', help: 'Containers checked against the kernel since the daemon started', registers,
      collect() { this.reset(); this.inc(host()!.reconciles.containers); },
    });
    new Counter({
      name: 'berth_reconcile_commands_total', help: 'Commands the reconciliations needed (a container found dead, to restart...)', registers,
      collect() { this.reset(); this.inc(host()!.reconciles.commands); },
    });
    new Gauge({
      name: 'berth_snapshot_age_seconds', help: 'Seconds since the actors\' snapshots were last written (absent before the first write)', registers,
      collect() {
        const written = host()!.snapshotsWrittenAt;
        this.reset();
        if (written !== null) this.set((Date.now() - written) / 1000);
      },
    });
    new Gauge({
      name: 'berth_images', help: 'Images present on this host', registers,
      collect() { this.set(liveImages(host()!).length); },
    });
    this.containers = new ContainerSeries(this.registry);
  }

  /** The host whose actors the gauges read; set before the first scrape. */
  watch(host: Host): void {
    this.host = host;
  }

  appended(events: number, seconds: number, failed: boolean): void {
    this.events.inc(events);
    this.appends.observe({ result: failed ? 'failed' : 'ok' }, seconds);
  }

  /** One request handled: the container ops that are Docker's container actions are timed (remove is Docker's delete). */
  handled(op: string, seconds: number): void {
    const action = ACTIONS[op];
    if (action) this.actions.observe({ action }, seconds);
  }

  /** The text Prometheus scrapes: the containers' cgroups read now, then every metric. */
  async scrape(): Promise<string> {
    const host = this.host;
    if (!host) throw new Error('metrics scraped before the host was set');
    const readings: ContainerReading[] = [];
    for (const container of liveContainers(host).filter((c) => hasProcess(c.state.status))) {
      const config = container.state.config!;
      // A container that exits meanwhile has no cgroup any more: it has no series.
      const stats = await host.worker.stats(container.id).catch(() => null);
      if (stats) readings.push({ id: container.id, name: config.name, image: config.imageRef, stats });
    }
    this.containers.set(readings);
    return this.registry.metrics();
  }
}
