/**
 * Opening a stream to the client: on an upgraded connection, Docker's `101 UPGRADED` and the
 * raw connection; else a 200 whose body is the stream.
 */
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { ApiRequest } from './http.js';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

export function openStream(request: ApiRequest, res: ServerResponse, contentType: string): Writable {
  if (request.upgrade) {
    const { socket } = request.upgrade;
    res.detachSocket(socket as never);
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    return socket;
  }
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();
  return res;
}

/** Headers now, then one JSON object per line as things happen (events, pull progress, stats). */
export function openJsonStream(res: ServerResponse): (value: unknown) => void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  return (value) => { if (!res.writableEnded) res.write(`${JSON.stringify(value)}\n`); };
}

/** Calls `onGone` once the client has closed its connection. */
export function whenClientGone(request: ApiRequest, res: ServerResponse, onGone: () => void): void {
  const socket = request.upgrade?.socket ?? res.socket;
  if (!socket) return;
  socket.once('close', onGone);
  if (!request.upgrade) res.once('close', onGone);
}
