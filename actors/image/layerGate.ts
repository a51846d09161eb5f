/**
 * The image store's deletions and the work that makes or reuses layers, kept apart. An image's
 * files were deleted in the background once its `rmi` was recorded, judging which layers other
 * images use at that moment; a pull, import, load, commit or build meanwhile could find a layer
 * "already there" that the deletion then removed, and record an image whose layer was gone
 * (`rmi X; pull X` of an image with 20,000 files broke 19 times in 20).
 *
 * Producers (whatever makes or reuses layers, until its image is recorded) run together; a
 * deletion runs only while none does, and decides what is still in use when it runs, from the
 * images recorded then. A producer that comes while a deletion runs waits for it (and then
 * fetches or unpacks again what it removed). A deletion waits for the producers under way, and
 * any number of deletions asked meanwhile run together once they are done.
 */
export class LayerGate {
  private producers = 0;
  private deleting: Promise<void> | null = null;
  private readonly waiting: Array<() => Promise<void>> = [];

  constructor(private readonly onError: (error: Error) => void) {}

  /** Runs work that makes or reuses layers, after any deletion under way. */
  async produce<T>(work: () => Promise<T>): Promise<T> {
    while (this.deleting) await this.deleting;
    this.producers++;
    try {
      return await work();
    } finally {
      this.producers--;
      this.drain();
    }
  }

  /** Deletes files once no producer runs; resolves when done (its failure goes to onError). */
  delete(work: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(() => work().catch((error: Error) => this.onError(error)).finally(resolve));
      this.drain();
    });
  }

  /** Whether nothing runs and nothing waits (tests). */
  get idle(): boolean {
    return this.producers === 0 && this.deleting === null && this.waiting.length === 0;
  }

  private drain(): void {
    if (this.deleting || this.producers > 0 || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0);
    this.deleting = (async () => {
      for (const work of batch) await work();
    })().finally(() => {
      this.deleting = null;
      this.drain();
    });
  }
}
