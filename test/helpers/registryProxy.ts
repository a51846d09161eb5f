/**
 * A proxy in front of a test registry, on 127.0.0.1 and a free port, for what docker-registry
 * cannot do by itself in a test: Bearer token auth (a token server on the same port that checks
 * Basic credentials), and cutting one blob transfer halfway (an interrupted pull) while
 * recording the Range headers that come after.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';

export interface ProxyOptions {
  /** Demand a Bearer token, issued at /token for these Basic credentials. */
  bearer?: { username: string; password: string };
  /** Cut the first transfer of this blob digest after this many bytes. */
  cut?: { digest: string; after: number };
}

export interface Proxy {
  host: string;
  /** Range headers received for blobs, by digest. */
  ranges: Map<string, string[]>;
  /** Body bytes sent in each transfer of a blob, by digest. */
  sent: Map<string, number[]>;
  tokensIssued: number;
  close(): Promise<void>;
}

export async function startProxy(t: { teardown(fn: () => unknown): void }, upstream: string, options: ProxyOptions): Promise<Proxy> {
  const tokens = new Set<string>();
  const sockets = new Set<net.Socket>();
  let cut = options.cut;
  const proxy: Proxy = { host: '', ranges: new Map(), sent: new Map(), tokensIssued: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (options.bearer && url.startsWith('/token')) {
      const expected = `Basic ${Buffer.from(`${options.bearer.username}:${options.bearer.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      proxy.tokensIssued++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (options.bearer && !tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
      const repo = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(url)?.[1];
      const scope = repo ? `,scope="repository:${repo}:pull"` : '';
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${proxy.host}/token",service="berth-test"${scope}` }).end();
      return;
    }
    const digest = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url)?.[1];
    if (digest && req.headers.range) proxy.ranges.set(digest, [...(proxy.ranges.get(digest) ?? []), req.headers.range]);
    const headers = { ...req.headers, host: upstream };
    delete headers.authorization;
    const forward = http.request({ host: upstream.split(':')[0], port: Number(upstream.split(':')[1]), path: url, method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      const cutHere = cut && digest === cut.digest ? cut : undefined;
      if (cutHere) cut = undefined;
      let sent = 0;
      up.on('data', (chunk: Buffer) => {
        if (up.destroyed) return;
        if (cutHere && sent + chunk.length > cutHere.after) {
          up.destroy();
          const part = chunk.subarray(0, cutHere.after - sent);
          sent = cutHere.after;
          if (digest) proxy.sent.set(digest, [...(proxy.sent.get(digest) ?? []), sent]);
          res.write(part, () => res.socket?.destroy()); // as if the registry died mid-transfer
          return;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      up.on('end', () => {
        if (digest) proxy.sent.set(digest, [...(proxy.sent.get(digest) ?? []), sent]);
        res.end();
      });
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  t.teardown(() => proxy.close());
  return proxy;
}
