/** The data an image actor holds; its status is the machine's state value. */
import type { ImageRecord } from '../../events/image.js';

export type ImageStatus = 'none' | 'present' | 'deleted';

export interface ImageData {
  /** The image id: the config digest's hex. */
  id: string;
  host: string;
  record: ImageRecord | null;
  /** name:tag references that point at this image now. */
  tags: string[];
}

export type ImageState = ImageData & { status: ImageStatus };

export function initialImageData(input: { id: string; host: string }): ImageData {
  return { id: input.id, host: input.host, record: null, tags: [] };
}
