/**
 * Registry credentials in Docker's config.json format ({"auths": {"host": {"auth": base64}}}),
 * kept in a 0600 file under the data root (layout.authFile): the daemon pulls, implicitly too,
 * so it reads them there; each engine root has its own.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  [other: string]: unknown;
}

/** Docker keys Docker Hub by its old index URL; everything else by host[:port]. */
export const credentialKey = (registry: string): string => (registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry);

async function readConfig(file: string): Promise<ConfigFile> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as ConfigFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

async function writeConfig(file: string, config: ConfigFile): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  await fs.rename(tmp, file);
}

export async function findCredentials(file: string, registry: string): Promise<Credentials | null> {
  const auths = (await readConfig(file)).auths ?? {};
  const key = credentialKey(registry);
  const entry = auths[key] ?? Object.entries(auths).find(([k]) => k.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === registry)?.[1];
  if (!entry) return null;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return entry.username && entry.password ? { username: entry.username, password: entry.password } : null;
}

export async function storeCredentials(file: string, registry: string, credentials: Credentials): Promise<void> {
  const config = await readConfig(file);
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  config.auths = { ...config.auths, [credentialKey(registry)]: { auth } };
  await writeConfig(file, config);
}

/** Returns false when there was nothing to remove. */
export async function removeCredentials(file: string, registry: string): Promise<boolean> {
  const config = await readConfig(file);
  const key = credentialKey(registry);
  if (!config.auths?.[key]) return false;
  delete config.auths[key];
  await writeConfig(file, config);
  return true;
}
