/**
 * The Docker Engine API server: HTTP on a unix socket (no TCP listener), over the same engine
 * client as the CLI (client/), so `docker ps` and `berth ps` agree and every request leaves the
 * same events. Attach and exec start upgrade the connection (`Upgrade: tcp`, 101).
 */
import http, { type IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import fs from 'node:fs/promises';
import { engineClientOver } from '../client/connect.js';
import type { EngineClient, LocalDaemon } from '../client/engineClient.js';
import type { ApiContext, Logger } from './context.js';
import { ExecRegistry } from './execRegistry.js';
import { ApiRouter } from './router.js';
import { prepareSocketPath, restrictSocket } from './socket.js';

export interface DockerApiOptions {
  /** The socket's path. */
  socketPath: string;
  /**
   * The engine the requests go to, over the daemon's own NATS connection (a second one cost
   * the daemon's start its connect and a ping): the daemon's host, or, with no host, its
   * cluster, routed as the CLI without --host routes. The connection stays the daemon's to close.
   * `local`: the daemon's own door; requests to its host are answered in process, not over NATS.
   */
  engine: { nc: EngineClient['nc']; layout: EngineClient['layout']; host?: string; local?: LocalDaemon };
  log: Logger;
}

export interface DockerApi {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Requests that go on longer than this without a byte are ended (a slow client cannot hold a socket forever). */
const HEADERS_TIMEOUT_MS = 60_000;

export function startDockerApi(options: DockerApiOptions): Promise<DockerApi> {
  const { nc, layout, host, local } = options.engine;
  return serve(options, engineClientOver(nc, layout, host, local));
}

async function serve(options: DockerApiOptions, client: EngineClient): Promise<DockerApi> {
  const router = new ApiRouter();
  const context: ApiContext = { client, execs: new ExecRegistry(), log: options.log };
  const connections = new Set<Duplex>();
  const server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0 }, (req, res) => {
    void router.serve({ req }, res, context);
  });
  server.on('connection', (socket: Duplex) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    res.shouldKeepAlive = false;
    void router.serve({ req, upgrade: { socket, head } }, res, context);
  });
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await prepareSocketPath(options.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => { server.off('error', reject); resolve(); });
  });
  await restrictSocket(options.socketPath);
  server.on('error', (error) => options.log.warn('docker API server error', { error: error.message }));
  options.log.info('docker API listening', { socket: options.socketPath });
  return {
    socketPath: options.socketPath,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of connections) socket.destroy();
      await closed;
      context.execs.clear();
      await fs.rm(options.socketPath, { force: true });
    },
  };
}
