/** `--metrics-addr HOST:PORT`: serves GET /metrics in Prometheus' text format (as dockerd's metrics-addr). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemError, ValidationError } from '../../events/errors.js';
import type { Logger } from '../../log/logger.js';
import type { EngineMetrics } from './engineMetrics.js';

/** HOST:PORT, the host possibly [v6]; an empty host is every address. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new ValidationError(`invalid metrics address "${text}": use HOST:PORT`);
  return { host: match[1] ?? match[2] ?? '', port };
}

export async function serveMetrics(metrics: EngineMetrics, address: string, log: Logger): Promise<{ address: AddressInfo; close(): Promise<void> }> {
  const { host, port } = parseListenAddress(address);
  const server = http.createServer((request, response) => {
    if (request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    metrics.scrape().then((text) => {
      response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
    }, (error: Error) => {
      log.error('metrics: a scrape failed', { error });
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(SystemError.from(error, { op: 'listen', path: address })));
    server.listen(port, host || undefined, resolve);
  });
  return {
    address: server.address() as AddressInfo,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
