/**
 * What every handler shares: the request as parsed (path parameters, query, the version it is
 * served at), a JSON body read under a size limit, and Docker's error replies
 * (`{"message": ...}` with Docker's status codes).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BerthError, ConflictError, NotFoundError, UnsupportedError, ValidationError } from '../events/errors.js';

/** The largest JSON body accepted (a create body with a long environment fits well within it). */
export const MAX_JSON_BODY = 4 * 1024 * 1024;

/** An error with an HTTP status of its own (a method not allowed, a body too large). */
export class HttpError extends BerthError {
  override name = 'HttpError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** One request as a handler sees it. */
export interface ApiRequest {
  req: IncomingMessage;
  /** The path parameters (`:id`, `*`). */
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  /** The API version it is served at. */
  version: string;
  /** Set when the client asked to upgrade (attach, exec start): the raw connection, and what came after the headers. */
  upgrade?: { socket: Duplex; head: Buffer };
}

/** Docker's status for an error. */
export function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof ValidationError) return 400;
  if (error instanceof UnsupportedError) return 501;
  if (error instanceof Error && error.name === 'UnauthorizedError') return 401;
  return 500;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendError(res: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, statusOf(error), { message });
}

/** The body, whole, refused past `limit` bytes (413). */
export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY, first: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw new HttpError(413, `request body too large: ${declared} bytes, at most ${limit}`);
  const chunks: Buffer[] = first.length ? [first] : [];
  let size = first.length;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body too large: more than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as JSON (an empty body is `{}`); malformed JSON is one 400 line. */
export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ValidationError(`invalid JSON: ${(error as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError('invalid JSON: expected an object');
  return parsed as Record<string, unknown>;
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return parseJson(await readBody(req));
}

/** Docker's boolean query values: 1, true, True; absent: the default. */
export function queryBool(query: URLSearchParams, name: string, fallback = false): boolean {
  const value = query.get(name);
  if (value === null || value === '') return fallback;
  return !['0', 'false', 'False', 'FALSE'].includes(value);
}

/** An integer query value; absent: the default; not an integer: a 400. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw new ValidationError(`invalid value for ${name}: ${value}`);
  return Number(value);
}

/** A path parameter that the route guarantees. */
export function param(request: ApiRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined || value === '') throw new ValidationError(`missing ${name}`);
  return value;
}

/** A body checked against its schema: the first problem as one 400 line. */
export function checkBody<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown, what = 'body'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ValidationError(issue.path.length ? `invalid ${what}: ${issue.path.map(String).join('.')}: ${issue.message}` : issue.message);
}
