/**
 * Reads a container's JSON-lines log as the shim writes it, across rotations
 * (runtime/native/logfile.c): the shim renames ctr.log to ctr.log.1 (ctr.log.1 to ctr.log.2, ...)
 * and starts a new ctr.log, or with one file replaces it. The reader keeps the file it follows
 * open, so a rotation loses nothing: once it sees a new inode at the path it reads the old file
 * to its end (again: lines may have come between its last read and the rename), and goes on with
 * the file written after it (found by inode among the rotated ones), up
 * to the current one. Only a reader more than max-file rotations behind loses lines.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: string;
  /** When the shim read it (RFC 3339 with nanoseconds), for logs --since/--until/-t. */
  time?: string;
}

/** What `logs` reads a container's log through: everything written since the last read. */
export interface LogSource {
  read(): Promise<LogChunk[]>;
  close(): Promise<void>;
}

/** Parses complete JSON lines; returns the chunks and the unparsed remainder. */
export function parseLogLines(text: string): { chunks: LogChunk[]; rest: string } {
  const chunks: LogChunk[] = [];
  let start = 0;
  for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
    const line = text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as { stream: 'stdout' | 'stderr'; log: string; time?: string };
      chunks.push({ stream: entry.stream === 'stderr' ? 'stderr' : 'stdout', data: entry.log, ...(entry.time ? { time: entry.time } : {}) });
    } catch {
      // A torn line cannot happen with appends of whole lines; skip anything unreadable.
    }
  }
  return { chunks, rest: text.slice(start) };
}

/** The numbers of the rotated files beside `file` (file.1, file.2, ...), oldest (highest) first. */
export function rotatedNumbers(names: readonly string[], base: string): number[] {
  const numbers: number[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (/^[1-9]\d*$/.test(suffix)) numbers.push(Number(suffix));
  }
  return numbers.sort((a, b) => b - a);
}

/** Appends `more` to `chunks` one by one: a spread of a 300k-line log passes V8's argument limit. */
function append(chunks: LogChunk[], more: LogChunk[]): void {
  for (const chunk of more) chunks.push(chunk);
}

/** Follows one log: `read()` returns what was written since the last call. */
export class LogReader implements LogSource {
  private handle: fsp.FileHandle | null = null;
  private inode = 0;
  private offset = 0;
  private rest = '';
  private started = false;

  /** `history`: the first read starts with the rotated files, oldest first (`logs`). */
  constructor(private readonly file: string, private readonly options: { history?: boolean } = {}) {}

  /** Everything written since the last read (the whole log, history included, the first time). */
  async read(): Promise<LogChunk[]> {
    const chunks: LogChunk[] = [];
    if (!this.started) {
      // With history, start at the oldest rotated file and walk to the current one as after a rotation.
      this.started = true;
      const oldest = this.options.history ? (await this.positions()).length - 1 : 0;
      if (oldest > 0) await this.open(`${this.file}.${oldest}`);
    }
    for (;;) {
      if (!this.handle && !(await this.open(this.file))) return chunks;
      append(chunks, await this.readToEnd(this.handle!));
      // A new file at the path: the shim rotated this one. It may have written more to it
      // between the read above and the rename; the shim writes only to the new file now, so
      // a second read takes this one to its true end.
      const now = await fsp.stat(this.file).catch(() => null);
      if (!now || now.ino === this.inode) return chunks;
      append(chunks, await this.readToEnd(this.handle!));
      const old = this.inode;
      await this.close();
      if (!(await this.openAfter(old))) return chunks;
    }
  }

  /** The inodes of the current file (index 0) and the rotated ones (index N: file.N); 0: none. */
  private async positions(): Promise<number[]> {
    const numbers = rotatedNumbers(await fsp.readdir(path.dirname(this.file)).catch(() => []), path.basename(this.file));
    const inodes = new Array<number>((numbers[0] ?? 0) + 1).fill(0);
    await Promise.all(inodes.map(async (_, n) => {
      inodes[n] = (await fsp.stat(n === 0 ? this.file : `${this.file}.${n}`).catch(() => null))?.ino ?? 0;
    }));
    return inodes;
  }

  /**
   * Opens the file written after the one with inode `old`, which has been rotated to file.K:
   * file.K-1, or the current file for K = 1. When it has fallen off the end (the reader was
   * more than max-file rotations behind), the oldest file left: those lines are lost, as with
   * Docker. The names are read before and after the open; a rotation in between means the
   * wrong file may have been opened, and it is tried again.
   */
  private async openAfter(old: number): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const before = await this.positions();
      const at = before.indexOf(old);
      let target = at > 0 ? at - 1 : before.length - 1;
      while (target > 0 && before[target] === 0) target--;
      if (!(await this.open(target === 0 ? this.file : `${this.file}.${target}`))) continue;
      const after = await this.positions();
      if (after.length === before.length && after.every((inode, n) => inode === before[n]) && after[target] === this.inode) return true;
      await this.close();
    }
    return this.open(this.file);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => {});
  }

  private async open(file: string): Promise<boolean> {
    try {
      this.handle = await fsp.open(file, 'r');
      this.inode = (await this.handle.stat()).ino;
    } catch {
      await this.close();
      return false;
    }
    this.offset = 0;
    this.rest = '';
    return true;
  }

  private async readToEnd(handle: fsp.FileHandle): Promise<LogChunk[]> {
    const chunks: LogChunk[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      if (bytesRead === 0) return chunks;
      this.offset += bytesRead;
      const parsed = parseLogLines(this.rest + buffer.toString('utf8', 0, bytesRead));
      this.rest = parsed.rest;
      append(chunks, parsed.chunks);
    }
  }
}
