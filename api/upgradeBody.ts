/**
 * The body of a request that upgrades its connection (exec start's JSON): Node hands over the
 * raw connection with what followed the headers; the rest of Content-Length is read from it.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';
import type { ApiRequest } from './http.js';

/** The body, and what came after it (the stdin an attached client sent at once). */
export interface UpgradeBody {
  body: Buffer;
  rest: Buffer;
}

export function readUpgradeBody(req: IncomingMessage, upgrade: NonNullable<ApiRequest['upgrade']>, limit: number): Promise<UpgradeBody> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || length < 0) return Promise.reject(new HttpError(400, 'invalid Content-Length'));
  if (length > limit) return Promise.reject(new HttpError(413, `request body too large: ${length} bytes, at most ${limit}`));
  const { socket, head } = upgrade;
  if (head.length >= length) return Promise.resolve({ body: head.subarray(0, length), rest: head.subarray(length) });
  return new Promise((resolve, reject) => {
    const chunks = [head];
    let size = head.length;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= length) {
        cleanup();
        socket.pause();
        const all = Buffer.concat(chunks);
        resolve({ body: all.subarray(0, length), rest: all.subarray(length) });
      }
    };
    const onEnd = () => { cleanup(); reject(new HttpError(400, 'the connection ended inside the request body')); };
    const cleanup = () => { socket.off('data', onData); socket.off('end', onEnd); socket.off('error', onEnd); };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onEnd);
  });
}
