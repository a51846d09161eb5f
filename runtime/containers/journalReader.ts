/**
 * Reads a journald container's log back from the journal (`logs` and the API's logs): its
 * entries by CONTAINER_ID_FULL, through journalctl's JSON output (runtime/containers/
 * journalEntry.ts), each read going on after the cursor of the last. journalctl is the reader
 * of journal files systemd keeps compatible; it is in every systemd host's base install.
 * Before each read journald is asked to store what it has received (its varlink Synchronize,
 * which answers once every queued message is written): the lines a container wrote just before
 * it exited are in the last read of a follow.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { journalctlArgs, parseJournalEntry } from './journalEntry.js';
import type { LogChunk, LogSource } from './logReader.js';

/** The journal's files; BERTH_JOURNAL_DIRECTORY names a directory of them (a test's own journald), else the system's journal. */
export function journalDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.BERTH_JOURNAL_DIRECTORY || undefined;
}

/** Asks the journald listening beside `socket` to store everything queued; false when it cannot be asked (no varlink there). */
export function synchronizeJournal(socket: string, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.createConnection(path.join(path.dirname(socket), 'io.systemd.journal'));
    let reply = '';
    const finish = (ok: boolean) => { connection.destroy(); clearTimeout(timer); resolve(ok); };
    const timer = setTimeout(() => finish(false), timeoutMs);
    connection.on('connect', () => connection.write('{"method":"io.systemd.Journal.Synchronize","parameters":{}}\0'));
    connection.on('data', (data: Buffer) => {
      reply += data.toString('utf8');
      if (reply.includes('\0')) finish(!reply.includes('"error"'));
    });
    connection.on('error', () => finish(false));
    connection.on('close', () => finish(false));
  });
}

export class JournalReader implements LogSource {
  private cursor: string | undefined;
  private closed = false;

  constructor(
    private readonly id: string,
    /** journald's native socket: its varlink socket is beside it. */
    private readonly socket: string,
    private readonly directory = journalDirectory(),
  ) {}

  /** The entries stored since the last read (all of them the first time). */
  async read(): Promise<LogChunk[]> {
    if (this.closed) return [];
    await synchronizeJournal(this.socket);
    const child = spawn('journalctl', journalctlArgs(this.id, { directory: this.directory, cursor: this.cursor }), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => { stderr += data.toString('utf8'); });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const chunks: LogChunk[] = [];
    for await (const line of readline.createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      const entry = parseJournalEntry(line);
      if (entry?.cursor) this.cursor = entry.cursor;
      if (entry?.chunk) chunks.push(entry.chunk);
    }
    const code = await exited;
    if (code !== 0) throw new Error(`journalctl failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`);
    return chunks;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
