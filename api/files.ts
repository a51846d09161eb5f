/**
 * Archives between the client and the daemon: a request body written to a file under the data
 * root's tmp dir for the daemon to read, and a file the daemon wrote streamed back; both removed
 * after. The API server runs beside the daemon, so they share the machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ApiContext } from './context.js';
import { HttpError, type ApiRequest } from './http.js';

/** The largest archive accepted (image load and import, a copy into a container). */
export const MAX_ARCHIVE_BYTES = 64 * 1024 ** 3;

/** A new file's path under the tmp dir (made if need be), removed once `use` is done. */
export async function withTempFile<T>(context: ApiContext, prefix: string, use: (file: string) => Promise<T>): Promise<T> {
  const file = path.join(context.client.layout.tmpDir, `${prefix}-${randomUUID()}.tar`);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  try {
    return await use(file);
  } finally {
    await fs.promises.rm(file, { force: true });
  }
}

/** A request body written to a file under the data root's tmp dir, for the daemon to read; removed after. */
export async function withBodyFile<T>(request: ApiRequest, context: ApiContext, use: (file: string) => Promise<T>): Promise<T> {
  const declared = Number(request.req.headers['content-length'] ?? 0);
  if (declared > MAX_ARCHIVE_BYTES) throw new HttpError(413, `archive too large: ${declared} bytes`);
  return withTempFile(context, 'api-upload', async (file) => {
    await pipeline(request.req, fs.createWriteStream(file, { mode: 0o600 }));
    return use(file);
  });
}

/** Streams a file the daemon wrote, then removes it. */
export async function sendFile(res: ServerResponse, file: string, contentType: string, headers: Record<string, string> = {}): Promise<void> {
  try {
    res.writeHead(200, { 'Content-Type': contentType, ...headers });
    await pipeline(fs.createReadStream(file), res);
  } finally {
    await fs.promises.rm(file, { force: true });
  }
}

