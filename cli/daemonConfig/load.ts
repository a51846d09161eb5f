/**
 * Reads the daemon's config file: /etc/berth/daemon.json unless --config-file names another. The
 * default file may be absent (no settings); a named one must exist. Any problem is one line,
 * dockerd's: "unable to configure the daemon with file PATH: ...".
 */
import fs from 'node:fs/promises';
import { BerthError } from '../../events/errors.js';
import { DEFAULT_CONFIG_FILE } from './flags.js';
import { DaemonFile, describeProblem } from './schema.js';

/** The daemon refuses to start (exit 1, as dockerd) with a config file it cannot use. */
export class DaemonConfigError extends BerthError {
  override name = 'DaemonConfigError';
  override exitCode = 1;
}

/** The file's settings; `path` null when the default file is absent. */
export async function loadDaemonFile(named: string | undefined): Promise<{ path: string | null; file: DaemonFile }> {
  const path = named ?? DEFAULT_CONFIG_FILE;
  const fail = (why: string, cause?: unknown) => new DaemonConfigError(`unable to configure the daemon with file ${path}: ${why}`, { cause });
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && named === undefined) return { path: null, file: {} };
    throw fail(code === 'ENOENT' ? 'no such file' : (error as Error).message, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail(`not JSON: ${(error as Error).message}`, error);
  }
  const parsed = DaemonFile.safeParse(json);
  if (!parsed.success) throw fail(describeProblem(parsed.error));
  return { path, file: parsed.data };
}
