/**
 * Containers' output as Compose prints it: each line after its container's name (`web-1  | `),
 * names padded to the longest, in a colour of their own on a terminal.
 */
const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export class LogPrinter {
  private readonly width: number;
  private readonly partial = new Map<string, string>();
  private readonly colors = new Map<string, number>();

  constructor(names: string[], private readonly color = process.stdout.isTTY === true) {
    this.width = Math.max(0, ...names.map((name) => name.length));
    names.forEach((name, index) => this.colors.set(name, COLORS[index % COLORS.length]));
  }

  private prefix(name: string): string {
    const text = `${name.padEnd(this.width)}  | `;
    return this.color ? `\x1b[${this.colors.get(name) ?? 39}m${text}\x1b[0m` : text;
  }

  /** A chunk of a container's output: whole lines are printed, the rest waits for its end. */
  write(name: string, stream: 'stdout' | 'stderr', data: string): void {
    const text = (this.partial.get(name) ?? '') + data;
    const lines = text.split('\n');
    this.partial.set(name, lines.pop() ?? '');
    const out = stream === 'stderr' ? process.stderr : process.stdout;
    for (const line of lines) out.write(`${this.prefix(name)}${line}\n`);
  }

  /** What is left of a container's last line, when its output ends. */
  flush(name: string): void {
    const rest = this.partial.get(name);
    if (rest) process.stdout.write(`${this.prefix(name)}${rest}\n`);
    this.partial.delete(name);
  }
}

/** The name Compose shows for a container in logs: the service and number (`web-1`), or its own name. */
export function logName(containerName: string, project: string): string {
  return containerName.startsWith(`${project}-`) ? containerName.slice(project.length + 1) : containerName;
}
