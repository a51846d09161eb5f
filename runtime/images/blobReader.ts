/**
 * A second reader of a blob's bytes while they download: a pull unpacks a layer as it arrives
 * instead of reading the stored blob back once it is complete. The reader is started once the
 * first bytes are in, which say how the blob is compressed; it gets the bytes as a stream and a
 * promise that settles when the blob has been checked against its digest and stored, or refused.
 * Whatever it makes must wait for that promise before it becomes visible.
 *
 * The download never waits for a reader that has finished or failed: from then on its bytes go
 * to the file alone. While the reader runs, the download holds back when READ_AHEAD_BYTES wait
 * unread.
 */
import { PassThrough, type Readable } from 'node:stream';

/** Bytes enough to tell a blob's compression by its magic number (zstd's is the longest). */
const HEAD_BYTES = 4;
/**
 * The reader gets the bytes in buffers of about this size: a socket's chunks (16-64 kB) would
 * each go through the stream, the decompressor's thread-pool round trip and the tar parser.
 */
const BATCH_BYTES = 256 << 10;
/** How far the download may run ahead of the reader. */
const READ_AHEAD_BYTES = 4 << 20;

export type BlobReader<T> = (bytes: Readable, head: Uint8Array, stored: Promise<void>) => Promise<T>;

export class BlobTee<T> {
  private readonly bytes = new PassThrough({ highWaterMark: READ_AHEAD_BYTES });
  private head: Uint8Array[] = [];
  private headLength = 0;
  private batch: Uint8Array[] = [];
  private batchLength = 0;
  private started: Promise<T> | null = null;
  /** Set once the reader has settled: it takes nothing more. */
  private finished = false;
  private readonly stored: Promise<void>;
  private settleStored!: { resolve: () => void; reject: (error: unknown) => void };
  private readonly outcome: Promise<T | null>;
  private settleOutcome!: { resolve: (value: T | null) => void; reject: (error: unknown) => void };

  constructor(private readonly reader: BlobReader<T>) {
    this.stored = new Promise<void>((resolve, reject) => { this.settleStored = { resolve, reject }; });
    this.stored.catch(() => {}); // a reader that failed early never waits for it
    this.outcome = new Promise<T | null>((resolve, reject) => { this.settleOutcome = { resolve, reject }; });
    // A failed download destroys the stream with its error, perhaps before the reader has
    // attached (unpackStream makes its temp dir first), and an 'error' no one hears ends the
    // process. The reader learns of it anyway: a stream that is read or piped after it failed
    // fails so, and `stored` rejects with the same error.
    this.bytes.on('error', () => {});
  }

  /** Hands a chunk to the reader; the promise, when there is one, settles when it may take more. */
  push(chunk: Uint8Array): Promise<void> | undefined {
    if (this.finished) return undefined;
    if (!this.started) {
      this.head.push(chunk);
      this.headLength += chunk.length;
    }
    this.batch.push(chunk);
    this.batchLength += chunk.length;
    if (this.batchLength < BATCH_BYTES) return undefined;
    const more = this.flush();
    if (!this.started && this.headLength >= HEAD_BYTES) this.start();
    return more ? undefined : this.drained();
  }

  /** The download has every byte (the reader starts now if it has not: a short blob). */
  end(): void {
    if (this.finished) return;
    this.flush();
    if (!this.started) this.start();
    this.bytes.end();
  }

  /** The download failed: the reader's stream fails with the same error. */
  fail(error: unknown): void {
    this.bytes.destroy(error as Error);
  }

  /** Follows the download: `stored` settles as it does. */
  settle(download: Promise<unknown>): void {
    download.then(() => this.settleStored.resolve(), (error: unknown) => this.settleStored.reject(error))
      .finally(() => {
        if (!this.started) this.settleOutcome.resolve(null);
      });
  }

  /** What the reader made; null when it never started (the download went another way, or failed first). */
  result(): Promise<T | null> {
    return this.outcome;
  }

  /** Writes the chunks held back as one buffer; false when the reader is READ_AHEAD_BYTES behind. */
  private flush(): boolean {
    if (this.batchLength === 0) return true;
    const joined = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch, this.batchLength);
    this.batch = [];
    this.batchLength = 0;
    return this.bytes.write(joined);
  }

  private start(): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    try {
      this.started = this.reader(this.bytes, head, this.stored);
    } catch (error) { // a reader that refuses at once (a compression it cannot read)
      this.started = Promise.reject(error);
    }
    this.started.then(this.settleOutcome.resolve, this.settleOutcome.reject).finally(() => {
      this.finished = true;
      this.bytes.destroy();
    });
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.bytes.off('drain', done);
        this.bytes.off('close', done);
        resolve();
      };
      this.bytes.on('drain', done);
      this.bytes.on('close', done);
      // A reader that settles reads no more: nothing would drain then.
      this.outcome.then(done, done);
    });
  }
}
