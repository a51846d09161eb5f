/** The route table's types: a handler answers one request, on a response or an upgraded connection. */
import type { ServerResponse } from 'node:http';
import type { ApiContext } from './context.js';
import type { ApiRequest } from './http.js';

export type Handler = (request: ApiRequest, res: ServerResponse, context: ApiContext) => Promise<void>;

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/** One route: method, path (find-my-way syntax, without the version prefix), handler. */
export type Route = [Method | Method[], string, Handler];
