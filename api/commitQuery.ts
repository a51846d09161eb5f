/**
 * `POST /commit`'s query as berth's `container.commit` request: `container`, `repo` and `tag`
 * (no repo: an untagged image), `comment`, `author`, `pause` (default true) and `changes`:
 * Dockerfile lines, given as several `changes` values (the docker CLI) or as one value of
 * lines joined by newlines (dockerode, testcontainers), as Docker joins them into one Dockerfile.
 * Pure.
 */
import { ValidationError } from '../events/errors.js';
import { queryBool } from './http.js';

export interface CommitQuery {
  ref: string;
  reference?: string;
  comment?: string;
  author?: string;
  changes: string[];
  pause: boolean;
}

export function commitQuery(query: URLSearchParams): CommitQuery {
  const ref = query.get('container');
  if (!ref) throw new ValidationError('a container is needed: /commit?container=ID');
  const repo = query.get('repo');
  const tag = query.get('tag');
  const comment = query.get('comment');
  const author = query.get('author');
  return {
    ref,
    ...(repo ? { reference: tag ? `${repo}:${tag}` : repo } : {}),
    ...(comment ? { comment } : {}),
    ...(author ? { author } : {}),
    changes: query.getAll('changes').flatMap((value) => value.split('\n')).map((line) => line.trim()).filter(Boolean),
    pause: queryBool(query, 'pause', true),
  };
}
