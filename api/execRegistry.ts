/**
 * The execs the API has created: Docker creates an exec, then starts it in a second request,
 * then inspects it for its exit code; berth runs an exec as one request, so the API keeps its
 * configuration between create and start, and its end for inspect.
 */
import type { ExecConfig } from '../events/containerRuntime.js';

export interface ExecEntry {
  id: string;
  /** The container's full id and the host it is on. */
  container: string;
  config: ExecConfig;
  attachStdout: boolean;
  attachStderr: boolean;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
}

/** The most execs remembered; the oldest are forgotten past it. */
const MAX_EXECS = 1000;

export class ExecRegistry {
  private readonly execs = new Map<string, ExecEntry>();

  add(entry: ExecEntry): void {
    this.execs.set(entry.id, entry);
    while (this.execs.size > MAX_EXECS) this.execs.delete(this.execs.keys().next().value as string);
  }

  get(id: string): ExecEntry | undefined {
    return this.execs.get(id);
  }

  clear(): void {
    this.execs.clear();
  }
}
