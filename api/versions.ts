/**
 * The Engine API's versions: the `/v1.NN` prefix of a path, and Docker's checks and messages
 * for a version outside what this server speaks. Pure.
 */
import { ValidationError } from '../events/errors.js';

/** The oldest version served (docker-compose 1.29 pins versions from 1.21 up; Docker's own minimum is 1.24). */
export const MIN_API_VERSION = '1.24';
/** The newest version served: what the docker CLI 28 speaks (1.50) and Docker 28.3's 1.51. */
export const MAX_API_VERSION = '1.51';

const PREFIX = /^\/v(\d+\.\d+)(?=\/|$)/;

/** A path without its version prefix, and the version it named (null: none, the newest then). */
export function splitVersion(path: string): { version: string | null; path: string } {
  const match = PREFIX.exec(path);
  if (!match) return { version: null, path };
  return { version: match[1], path: path.slice(match[0].length) || '/' };
}

/** Compares two API versions as numbers per part: negative when a is older. */
export function compareVersions(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

/** The version a request is served at; Docker's 400 messages for one too new or too old. */
export function negotiate(version: string | null): string {
  if (version === null) return MAX_API_VERSION;
  if (compareVersions(version, MAX_API_VERSION) > 0) {
    throw new ValidationError(`client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new ValidationError(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return version;
}
