/** A terminal's new size (`resize?h=&w=` of a container or an exec), sent to its shim's attach socket. */
import { ShimConnection } from '../client/shimConnection.js';
import { ConflictError, ValidationError } from '../events/errors.js';
import { queryInt } from './http.js';

/** `waitMs`: how long the socket may take to appear (an exec's, just after its start was answered). */
export async function resizeTerminal(shimSocket: string, query: URLSearchParams, waitMs = 0): Promise<void> {
  const rows = queryInt(query, 'h');
  const cols = queryInt(query, 'w');
  if (rows === undefined || cols === undefined || rows < 0 || cols < 0) throw new ValidationError('resize: h and w, the new height and width, are needed');
  const conn = await ShimConnection.connect(shimSocket, waitMs);
  if (!conn) throw new ConflictError('resize: the process has no attach socket (not running, or not on this machine)');
  conn.resize(rows, cols);
  await conn.close();
}
