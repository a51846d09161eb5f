/**
 * The legacy `POST /build`: the body is the context's tar (or the query's `remote` names a URL
 * the daemon fetches), the query the options; the build
 * runs through the same client call as `berth build` (client/build.ts), and its events go back
 * as the legacy builder's JSON stream (client/views/buildStream.ts), ending in `aux.ID`.
 */
import type { ServerResponse } from 'node:http';
import { buildImage } from '../../client/build.js';
import { buildOptionsFromQuery } from '../../client/buildQuery.js';
import { buildErrorMessage, buildEventMessages, buildResultMessages } from '../../client/views/buildStream.js';
import type { ApiContext } from '../context.js';
import { queryBool, type ApiRequest } from '../http.js';
import type { Route } from '../routes.js';
import { openJsonStream } from '../stream.js';

async function build(request: ApiRequest, res: ServerResponse, { client }: ApiContext): Promise<void> {
  // A bad query is a plain 400 before any of the context is read.
  const options = buildOptionsFromQuery(request.query);
  const quiet = queryBool(request.query, 'q');
  const write = openJsonStream(res);
  // With `remote`, the daemon fetches the context and the body (if any) is not read, as Docker's.
  if (options.remote) request.req.resume();
  const run = buildImage(client, options.remote ? null : request.req, options);
  const streaming = (async () => {
    for await (const event of run.events) if (!quiet) for (const message of buildEventMessages(event)) write(message);
  })();
  try {
    const result = await run.result.finally(() => streaming);
    for (const message of buildResultMessages(result, quiet)) write(message);
  } catch (error) {
    write(buildErrorMessage(error));
  }
  res.end();
}

export const buildRoutes: Route[] = [['POST', '/build', build]];
