/**
 * Progress as Docker shows it: on a terminal, one live line per layer (status, a bar while bytes
 * move: downloading, pushing, loading, saving, writing; bytes and speed), drawn by cli-progress,
 * for pull, push, load, save and commit; otherwise, for pull only, a plain line at each status
 * change ("Pulling fs layer", "Already exists", "Download complete", "Pull complete").
 */
import cliProgress from 'cli-progress';
import type { Progress } from '../events/requests.js';

const PLAIN: Partial<Record<Progress['status'], string>> = {
  waiting: 'Pulling fs layer', exists: 'Already exists', extracting: 'Download complete', done: 'Pull complete',
};
const LIVE: Record<Progress['status'], string> = {
  waiting: 'Waiting', exists: 'Already exists', downloading: 'Downloading', extracting: 'Extracting', done: 'Pull complete',
  pushing: 'Pushing', pushed: 'Pushed', loading: 'Loading layer', loaded: 'Loaded', saving: 'Saving', saved: 'Saved',
  writing: 'Writing layer', written: 'Written',
};
/** The statuses whose line shows a bar (or, with no known total, the bytes so far). */
const MOVING = new Set<Progress['status']>(['downloading', 'pushing', 'loading', 'saving', 'writing']);

/** 1234567 -> "1.23MB", as Docker writes sizes (decimal units). */
export function humanBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${units[unit]}`;
}

/** The line of one layer on a terminal. */
export function liveLine(update: Progress, bytesPerSecond: number | null, width = 40): string {
  const id = update.layer.replace(/^sha256:/, '').slice(0, 12);
  const label = LIVE[update.status];
  if (!MOVING.has(update.status)) return `${id}: ${label}`;
  const speed = bytesPerSecond ? `  ${humanBytes(bytesPerSecond)}/s` : '';
  if (!update.total) return `${id}: ${label} ${humanBytes(update.bytes)}${speed}`;
  const filled = Math.min(width, Math.floor((update.bytes / update.total) * width));
  const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled ? '>' : ''}${' '.repeat(width - filled)}]`;
  return `${id}: ${label} ${bar} ${humanBytes(update.bytes)}/${humanBytes(update.total)}${speed}`;
}

export type { ProgressView } from '../client/progressInbox.js';
import type { ProgressView } from '../client/progressInbox.js';

/** Plain lines, one per status change of a layer. */
export function plainProgress(out: NodeJS.WritableStream): ProgressView {
  const shown = new Map<string, string>();
  return {
    update(update) {
      const text = PLAIN[update.status];
      if (!text || shown.get(update.layer) === update.status) return;
      shown.set(update.layer, update.status);
      out.write(`${update.layer.replace(/^sha256:/, '').slice(0, 12)}: ${text}\n`);
    },
    stop() {},
  };
}

/** Live lines on a terminal. */
export function terminalProgress(out: NodeJS.WriteStream): ProgressView {
  type Layer = { bar: cliProgress.SingleBar; started: number; update: Progress };
  const layers = new Map<string, Layer>();
  const multibar = new cliProgress.MultiBar({
    stream: out, hideCursor: true, clearOnComplete: false, stopOnComplete: false, autopadding: false, fps: 10,
    format: (_options, _params, payload: { line: string }) => payload.line,
  });
  return {
    update(update) {
      let layer = layers.get(update.layer);
      if (!layer) {
        layer = { bar: multibar.create(update.total || 1, 0, { line: '' }), started: Date.now(), update };
        layers.set(update.layer, layer);
      }
      const moving = MOVING.has(update.status);
      if (moving && layer.update.status !== update.status) layer.started = Date.now();
      layer.update = update;
      const seconds = (Date.now() - layer.started) / 1000;
      const speed = moving && seconds > 0.2 ? update.bytes / seconds : null;
      layer.bar.update(Math.min(update.bytes, update.total || 1), { line: liveLine(update, speed, Math.min(40, Math.max(10, (out.columns ?? 80) - 60))) });
    },
    stop() {
      multibar.stop();
    },
  };
}

/** Live lines on `out` when it is a terminal; nothing otherwise (push, load, save and commit print no plain lines). */
export function terminalOnly(out: NodeJS.WriteStream): ProgressView | null {
  return out.isTTY ? terminalProgress(out) : null;
}
