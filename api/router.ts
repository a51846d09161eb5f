/**
 * The router: find-my-way (fastify's router: parameters, wildcards, one tree per method) over
 * every route, with the version prefix stripped and checked first.
 */
import FindMyWay from 'find-my-way';
import type { ServerResponse } from 'node:http';
import type { ApiContext } from './context.js';
import { HttpError, sendError, type ApiRequest } from './http.js';
import type { Handler, Method, Route } from './routes.js';
import { negotiate, splitVersion } from './versions.js';
import { archiveRoutes } from './routes/archive.js';
import { buildRoutes } from './routes/build.js';
import { containerRoutes } from './routes/containers.js';
import { containerStreamRoutes } from './routes/containerStreams.js';
import { execRoutes } from './routes/exec.js';
import { imageRoutes } from './routes/images.js';
import { networkRoutes } from './routes/networks.js';
import { systemRoutes } from './routes/system.js';
import { volumeRoutes } from './routes/volumes.js';

const ALL_ROUTES: Route[] = [
  ...systemRoutes, ...containerRoutes, ...containerStreamRoutes, ...execRoutes, ...imageRoutes, ...volumeRoutes, ...networkRoutes, ...buildRoutes, ...archiveRoutes,
];

export class ApiRouter {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });

  constructor(routes: Route[] = ALL_ROUTES) {
    for (const [methods, path, handler] of routes) {
      for (const method of Array.isArray(methods) ? methods : [methods]) this.router.on(method, path, handler as never);
    }
  }

  /** Serves one request (upgraded or not); every failure becomes Docker's JSON error. */
  async serve(request: Omit<ApiRequest, 'params' | 'query' | 'version'>, res: ServerResponse, context: ApiContext): Promise<void> {
    try {
      const url = new URL(request.req.url ?? '/', 'http://docker');
      const { version, path } = splitVersion(url.pathname);
      const served = negotiate(version);
      const found = this.router.find(request.req.method as Method, path);
      if (!found) throw new HttpError(404, `page not found`);
      const handler = found.handler as unknown as Handler;
      await handler({ ...request, params: found.params, query: url.searchParams, version: served }, res, context);
    } catch (error) {
      context.log.debug('api request failed', { method: request.req.method, url: request.req.url, error: (error as Error).message });
      sendError(res, error);
    }
  }
}
