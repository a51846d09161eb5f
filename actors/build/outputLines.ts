/**
 * A RUN step's output as lines, as it comes: the container's log records are whole lines or
 * parts of one (a line not ended yet, a long one split by the shim), so each stream keeps its
 * unfinished line until the rest or the end of the output comes. Pure.
 */
export type OutputStream = 'stdout' | 'stderr';

export class OutputLines {
  private readonly pending: Record<OutputStream, string> = { stdout: '', stderr: '' };

  constructor(private readonly onLine: (stream: OutputStream, line: string) => void) {}

  /** A chunk of one stream: its finished lines go out now, the rest waits. */
  push(stream: OutputStream, data: string): void {
    const text = this.pending[stream] + data;
    const lines = text.split('\n');
    this.pending[stream] = lines.pop()!;
    for (const line of lines) this.onLine(stream, line);
  }

  /** The end of the output: an unfinished line goes out as it is. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream];
      this.pending[stream] = '';
      if (rest) this.onLine(stream, rest);
    }
  }
}
