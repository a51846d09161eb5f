/**
 * Follows a container's files as the shim writes them: the JSON-lines log (streamed out as it
 * grows) and the exit file (the end). inotify wakes it; a slow poll covers anything missed.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { ContainerPaths } from '../layout.js';
import { isAlive } from '../processes.js';
import { LogReader, type LogChunk, type LogSource } from './logReader.js';
import { processLogger } from '../../log/settings.js';

export type { LogChunk };

export interface ExitStatus {
  exitCode: number;
  signal: number | null;
  time: string;
}

/** Reads the exit file the shim wrote, or null when there is none (yet). */
export async function readExit(paths: ContainerPaths): Promise<ExitStatus | null> {
  try {
    const parsed = JSON.parse(await fsp.readFile(paths.exit, 'utf8')) as ExitStatus;
    return { exitCode: parsed.exitCode, signal: parsed.signal ?? null, time: parsed.time };
  } catch {
    return null;
  }
}

/**
 * The end of a container whose shim died (it was killed): no exit file will ever come. Once
 * both the shim and the container's init are gone, the exit is recorded with an unknown code
 * (255), as after a reboot, so that a stop or wait does not hang.
 */
async function orphanedExit(paths: ContainerPaths): Promise<ExitStatus | null> {
  const text = await fsp.readFile(paths.pid, 'utf8').catch(() => '');
  const [pid, shimPid] = text.trim().split(/\s+/).map(Number);
  if (!pid || !shimPid || isAlive(shimPid) || isAlive(pid)) return null;
  if (await readExit(paths)) return null; // the shim wrote it just before it went
  return { exitCode: 255, signal: null, time: new Date().toISOString() };
}

export interface Watch {
  stop(): void;
}

/**
 * Streams the log to `onChunk` (from the start of the current file, or from where `reader` is)
 * and calls `onExit` once, after the last output, when the exit file appears. Stopping closes
 * the reader.
 */
export function watchContainer(
  paths: ContainerPaths,
  onChunk: (chunk: LogChunk) => void,
  onExit: (exit: ExitStatus) => void,
  reader: LogSource = new LogReader(paths.log),
): Watch {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  /** A failing read is logged once, not at every poll, until a read succeeds again. */
  let failing = false;
  const check = async (): Promise<void> => {
    for (const chunk of await reader.read()) if (!stopped) onChunk(chunk);
    const exit = (await readExit(paths)) ?? (await orphanedExit(paths));
    if (exit && !stopped) {
      for (const chunk of await reader.read()) onChunk(chunk);
      stop();
      onExit(exit);
    }
  };
  const wake = (): void => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = check().then(() => { failing = false; }, (error: Error) => {
      if (!failing) processLogger().warn('watching the container failed; trying again', { dir: paths.dir, error });
      failing = true;
    }).finally(() => {
      running = null;
      if (again) { again = false; wake(); }
    });
  };
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(paths.dir, wake);
    watcher.on('error', () => {});
  } catch {
    watcher = null;
  }
  const poll = setInterval(wake, 1000);
  poll.unref();
  const stop = (): void => {
    stopped = true;
    clearInterval(poll);
    watcher?.close();
    void reader.close();
  };
  wake();
  return { stop };
}
