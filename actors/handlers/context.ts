/** What a request handler may use besides the host. */
import type { OutputChunk } from '../../events/requests.js';
import type { BuildEvent, Progress } from '../../events/requests.js';

export interface RequestContext {
  /** The request id: event ids derive from it. */
  id: string;
  /** Publishes an output chunk to a subject (the logs inbox). */
  publish(subject: string, chunk: OutputChunk): void;
  /** Publishes a pull's progress to the inbox its request named. */
  publishProgress(subject: string, update: Progress): void;
  /** Publishes a build's event to the inbox its request named. */
  publishBuild?(subject: string, event: BuildEvent): void;
}
