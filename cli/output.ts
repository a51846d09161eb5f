/** Printing: aligned tables, JSON lines; human sizes and times (client/views/human.ts). */
export { humanDuration, humanSize, truncate } from '../client/views/human.js';

/** Aligned columns, as Docker prints them (three spaces between columns). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}


export function write(text: string): void {
  process.stdout.write(text);
}

/** A container's output, to this terminal's stream of the same name. */
export function printOutput(stream: 'stdout' | 'stderr', data: string): void {
  (stream === 'stderr' ? process.stderr : process.stdout).write(data);
}

/** The daemon's warnings (create's), each on a line of stderr as Docker's CLI prints them. */
export function printWarnings(warnings: string[] | undefined): void {
  for (const warning of warnings ?? []) process.stderr.write(`WARNING: ${warning}\n`);
}
