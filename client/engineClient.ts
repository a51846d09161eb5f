/**
 * The one way into a berth engine, for the CLI and for an API server alike: requests to a
 * host's daemon over NATS, checked against their schemas. Two implementations: one host
 * (client/hostClient.ts) and a whole cluster that routes each request (client/clusterClient.ts);
 * client/connect.ts picks by configuration.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { PlacementConstraint } from '../events/container.js';
import type { HostStatus } from '../actors/hostStatus.js';
import type { ContainerView, Op, Reply, Request, RequestEnvelope, Result } from '../events/requests.js';
import type { Layout } from '../runtime/layout.js';

/**
 * The daemon this client runs inside (the Docker API server's): its requests to that host are
 * answered in process, by the same door the bus reaches (actors/server.ts), without the NATS
 * round trip and the msgpack on both sides. Requests to other hosts still go over NATS.
 */
export interface LocalDaemon {
  readonly host: string;
  answer(envelope: RequestEnvelope): Promise<Reply>;
}

export interface EngineClient {
  /** The connection, for following a host's subjects (output, events, progress). */
  readonly nc: NatsConnection;
  /** The data and run roots this client was configured with (sockets, files beside them). */
  readonly layout: Layout;
  /** The host this client commands; a cluster client without one throws a ValidationError. */
  readonly host: string;
  /** Whether it commands one host (named, or the local daemon's) rather than the whole cluster. */
  readonly isBound: boolean;
  /** Sends a request: to its host, or routed in a cluster (to the host holding the container, to every host for lists). */
  request<O extends Op>(request: Extract<Request, { op: O }>, timeoutMs?: number): Promise<Result<O>>;
  /** One request to one host. */
  send<O extends Op>(host: string, request: Extract<Request, { op: O }>, timeoutMs?: number): Promise<Result<O>>;
  /** Every host of the cluster with its state and capacity. */
  hosts(): Promise<HostStatus[]>;
  /** The same connection, commanding one host. */
  forHost(host: string): EngineClient;
  /** The client of the host that holds a container, and the ref as that host knows it. */
  toContainer(ref: string): Promise<{ client: EngineClient; ref: string }>;
  /** The client a new container is created through: this host, or where placement puts it. */
  forCreate(constraints: PlacementConstraint[]): Promise<EngineClient>;
  /** The containers of lost (or fenced) hosts, as views with status `lost`; none for one host. */
  lostContainers(all: boolean): Promise<ContainerView[]>;
  close(): Promise<void>;
}
