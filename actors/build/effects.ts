/** What the builder asks of the engine (actors/build/hostEffects.ts), so its rules run without one. */
import type { ImageRecord } from '../../events/image.js';
import type { ConfigBlob, LayerWork } from '../../runtime/build/stageState.js';
import type { StoredLayer } from '../../runtime/build/buildStore.js';

export interface BuiltImage {
  id: string;
  record: ImageRecord;
  blob: ConfigBlob;
}

export type RunWork = Extract<LayerWork, { kind: 'run' }>;
export type CopyWork = Extract<LayerWork, { kind: 'copy' }>;

export interface BuildEffects {
  /** The image a FROM or `COPY --from` names: the store's, or pulled. */
  baseImage(ref: string): Promise<BuiltImage>;
  /** A live image by id, or null (a cache entry whose image was removed). */
  image(id: string): Promise<BuiltImage | null>;
  /**
   * Runs a RUN step in a container made from image `imageId` and returns its changes as a layer
   * over `diffIds` (null: none). `onLine` gets each line of its output as it is written. A
   * failed command throws, with its exit code in the message.
   */
  run(imageId: string, diffIds: string[], work: RunWork, onLine: (stream: 'stdout' | 'stderr', line: string) => void): Promise<StoredLayer | null>;
  /** Stages a COPY or ADD from the context or from layers, over `diffIds`. */
  stageCopy(from: 'context' | { diffIds: string[] }, diffIds: string[], work: CopyWork): Promise<{ dir: string; digest: string }>;
  /**
   * A digest of everything `stageCopy` would read from its sources (the matched context entries'
   * paths, types, modes and contents; a stage's layers), so that the step can be looked up before
   * it is staged; null when there is none to vouch for them (the step is then staged first).
   */
  copySource(from: 'context' | { diffIds: string[] }, work: CopyWork): Promise<string | null>;
  storeLayer(diffIds: string[], dir: string): Promise<StoredLayer | null>;
  /** Writes the config and records it as an (untagged) image made from `parent` (null: from scratch). */
  admit(blob: ConfigBlob, size: number, layerBlobs: string[] | undefined, step: string, parent: string | null): Promise<BuiltImage>;
  /** Moves each tag to the image. */
  tag(id: string, tags: string[]): Promise<void>;
  cacheGet(key: string): Promise<string | undefined>;
  cachePut(key: string, imageId: string): Promise<void>;
}
