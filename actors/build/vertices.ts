/**
 * A build's steps as BuildKit's vertices: each numbered (`#N`) in the order it starts, with its
 * events (started, log lines, cached, done or error, with the time since it started) handed to
 * `emit` as they happen.
 */
import type { BuildEvent } from '../../events/requests.js';

export interface Vertex {
  /** A line of the step's output. */
  log(stream: 'stdout' | 'stderr', text: string): void;
  /** The step came from the cache. */
  cached(): void;
}

export class Vertices {
  private next = 1;
  constructor(private readonly emit: (event: BuildEvent) => void) {}

  /** Runs `work` as the next vertex; its end (or error) is the vertex's. */
  async run<T>(name: string, work: (vertex: Vertex) => Promise<T>): Promise<T> {
    const vertex = this.next++;
    const started = Date.now();
    let cached = false;
    this.emit({ vertex, name, status: 'started' });
    try {
      const result = await work({
        log: (stream, text) => this.emit({ vertex, name, status: 'log', stream, text, elapsedMs: Date.now() - started }),
        cached: () => { cached = true; },
      });
      this.emit({ vertex, name, status: cached ? 'cached' : 'done', elapsedMs: Date.now() - started });
      return result;
    } catch (error) {
      this.emit({ vertex, name, status: 'error', text: (error as Error).message, elapsedMs: Date.now() - started });
      throw error;
    }
  }

  /** A line outside any step (a warning). */
  info(text: string): void {
    this.emit({ vertex: 0, name: '', status: 'info', text });
  }
}
