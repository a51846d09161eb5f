/**
 * A build as the legacy builder's JSON stream (`POST /build`): `{"stream": ...}` lines for the
 * steps (`Step 2/3 : RUN ...`), their output and the cache hits, then `{"aux":{"ID":...}}` and
 * `Successfully built/tagged`; a failure is `{"errorDetail":...}`. With `q`, only the id.
 * Pure: events in, Docker's JSON messages out.
 */
import type { BuildEvent } from '../../events/requests.js';

export type BuildMessage =
  | { stream: string }
  | { aux: { ID: string } }
  | { errorDetail: { message: string }; error: string };

/** BuildKit's vertex name of a step: `[2/3] RUN x` or `[builder 2/3] RUN x`. */
const STEP = /^\[(?:(\S+) )?(\d+\/\d+)\] (.*)$/s;

/** The messages of one build event (none for the final export, which `buildResult` words as Docker). */
export function buildEventMessages(event: BuildEvent): BuildMessage[] {
  if (event.status === 'info') return [{ stream: `${event.text ?? ''}\n` }];
  const step = STEP.exec(event.name);
  if (!step) return [];
  const [, stage, count, text] = step;
  switch (event.status) {
    case 'started':
      return [{ stream: `Step ${count} : ${text}${stage ? ` (stage ${stage})` : ''}\n` }];
    case 'log':
      return [{ stream: `${event.text ?? ''}\n` }];
    case 'cached':
      return [{ stream: ' ---> Using cache\n' }];
    case 'done':
      return [{ stream: ` ---> Done in ${((event.elapsedMs ?? 0) / 1000).toFixed(1)}s\n` }];
    case 'error':
      return [];
  }
}

/** The end of a good build: the id for the client (`aux`), then Docker's closing lines (only the id with `q`). */
export function buildResultMessages(result: { id: string; tags: string[] }, quiet: boolean): BuildMessage[] {
  const id = `sha256:${result.id.replace(/^sha256:/, '')}`;
  if (quiet) return [{ aux: { ID: id } }, { stream: `${id}\n` }];
  return [
    { aux: { ID: id } },
    { stream: `Successfully built ${id.slice(7, 19)}\n` },
    ...result.tags.map((tag) => ({ stream: `Successfully tagged ${tag}\n` })),
  ];
}

export function buildErrorMessage(error: unknown): BuildMessage {
  const message = error instanceof Error ? error.message : String(error);
  return { errorDetail: { message }, error: message };
}
