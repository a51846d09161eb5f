/**
 * `archive` (what `docker cp` uses), through berth's own cp requests: GET is the tar of a path
 * in the container with its stat in `X-Docker-Container-Path-Stat`, HEAD the stat alone, PUT
 * extracts a tar into a directory of the container.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { extract } from 'tar-stream';
import { pathStat, pathStatHeader, type TopEntry } from '../../client/views/pathStat.js';
import { ValidationError } from '../../events/errors.js';
import type { ApiContext } from '../context.js';
import { sendFile, withBodyFile, withTempFile } from '../files.js';
import { param, queryBool, sendEmpty, type ApiRequest } from '../http.js';
import type { Route } from '../routes.js';

const COPY_TIMEOUT_MS = 60 * 60_000;
const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function pathQuery(request: ApiRequest): string {
  const wanted = request.query.get('path');
  if (!wanted) throw new ValidationError('path is needed');
  return wanted;
}

/** The archive's first header (its top entry). */
function topEntry(file: string): Promise<TopEntry> {
  return new Promise((resolve, reject) => {
    const reader = extract();
    const input = fs.createReadStream(file);
    reader.once('entry', (header) => {
      resolve({ type: header.type ?? 'file', mode: header.mode ?? 0, size: header.size ?? 0, mtime: header.mtime ?? new Date(0), linkname: header.linkname ?? null });
      input.destroy();
      reader.destroy();
    });
    reader.once('finish', () => reject(new ValidationError('the archive is empty')));
    reader.once('error', reject);
    input.once('error', reject);
    input.pipe(reader);
  });
}

/** The copied path's name as Docker's stat gives it: its last element. */
const baseName = (wanted: string) => path.posix.basename(wanted.replace(/\/+(\.)?$/, '')) || '/';

async function archive(request: ApiRequest, res: ServerResponse, context: ApiContext, withBody: boolean): Promise<void> {
  const wanted = pathQuery(request);
  const ref = param(request, 'id');
  await withTempFile(context, 'api-archive', async (file) => {
    await context.client.request({ op: 'container.copyFrom', ref, path: wanted, follow: false, file }, COPY_TIMEOUT_MS);
    const stat = pathStatHeader(pathStat(baseName(wanted), await topEntry(file)));
    if (withBody) return sendFile(res, file, 'application/x-tar', { [STAT_HEADER]: stat });
    res.writeHead(200, { 'Content-Type': 'application/x-tar', [STAT_HEADER]: stat });
    res.end();
  });
}

export const archiveRoutes: Route[] = [
  ['GET', '/containers/:id/archive', (request, res, context) => archive(request, res, context, true)],
  ['HEAD', '/containers/:id/archive', (request, res, context) => archive(request, res, context, false)],
  ['PUT', '/containers/:id/archive', async (request, res, context) => {
    const wanted = pathQuery(request);
    const ref = param(request, 'id');
    await withBodyFile(request, context, (file) => context.client.request({
      op: 'container.copyTo', ref, path: wanted, file, source: null, owners: queryBool(request.query, 'copyUIDGID'),
    }, COPY_TIMEOUT_MS));
    sendEmpty(res, 200);
  }],
];
