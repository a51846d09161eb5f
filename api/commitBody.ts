/**
 * `POST /commit`'s JSON body: a Config for the new image (python3-docker's
 * `commit(conf=...)`), as berth's `CommitRunConfig`. Cmd and Entrypoint may be one string, as
 * Docker's strslice takes them. An empty body (the docker CLI sends `null`) gives none: the
 * container's config alone. Keys berth does not merge are left out. Pure.
 */
import * as z from 'zod';
import { CommitRunConfig } from '../events/requests/containerCommit.js';
import { checkBody } from './http.js';

const words = z.union([z.array(z.string()), z.string().transform((word) => [word])]).nullish();

const CommitBody = CommitRunConfig.extend({ Cmd: words, Entrypoint: words });

export function commitBody(body: Record<string, unknown>): CommitRunConfig | undefined {
  const config = checkBody(CommitBody, body, 'commit config');
  const given = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
  return Object.keys(given).length ? given : undefined;
}
