/**
 * Reads the local driver's log: the rotated files gzipped (ctr.log.N.gz, the oldest the highest
 * N; runtime/native/logfile.c), then the current ctr.log followed as LogReader follows it. A
 * rotated file is, for an instant after its rotation, still plain (ctr.log.1 before it is
 * compressed) or both: the plain one is read then, never both.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { LogReader, parseLogLines, type LogChunk, type LogSource } from './logReader.js';

const gunzip = promisify(zlib.gunzip);

/** The rotated files beside `base` (plain N preferred over N.gz), oldest first. Pure. */
export function rotatedFiles(names: readonly string[], base: string): string[] {
  const byNumber = new Map<number, string>();
  for (const name of names) {
    const match = name.startsWith(`${base}.`) ? /^([1-9]\d*)(\.gz)?$/.exec(name.slice(base.length + 1)) : null;
    if (!match) continue;
    const n = Number(match[1]);
    if (!match[2] || !byNumber.has(n)) byNumber.set(n, name);
  }
  return [...byNumber].sort(([a], [b]) => b - a).map(([, name]) => name);
}

export class CompressedLogReader implements LogSource {
  private readonly current: LogReader;
  private started = false;

  constructor(private readonly file: string) {
    this.current = new LogReader(file);
  }

  async read(): Promise<LogChunk[]> {
    const chunks: LogChunk[] = [];
    if (!this.started) {
      this.started = true;
      const dir = path.dirname(this.file);
      for (const name of rotatedFiles(await fsp.readdir(dir).catch(() => []), path.basename(this.file))) {
        const raw = await fsp.readFile(path.join(dir, name)).catch(() => null);
        if (!raw) continue; // rotated away meanwhile
        const text = (name.endsWith('.gz') ? await gunzip(raw).catch(() => Buffer.alloc(0)) : raw).toString('utf8');
        for (const chunk of parseLogLines(text.endsWith('\n') || !text ? text : `${text}\n`).chunks) chunks.push(chunk);
      }
    }
    for (const chunk of await this.current.read()) chunks.push(chunk);
    return chunks;
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
