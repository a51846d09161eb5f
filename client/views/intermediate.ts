/**
 * Intermediate images, as Docker's `images` hides them without `-a`: an untagged image that
 * another image was built on (its `parent`: a build step's image, the one after it names it). Pure.
 */
import type { ImageView } from '../../events/requests.js';

/** The ids of the images some listed image names as its parent. */
export function parentIds(images: ImageView[]): Set<string> {
  return new Set(images.flatMap((image) => (image.parent ? [image.parent] : [])));
}

/** Whether an image is intermediate: untagged, and the parent of another. */
export function isIntermediate(image: ImageView, parents: Set<string>): boolean {
  return image.tags.length === 0 && parents.has(image.id);
}

/** The images `images` lists: with `all`, every one; else all but the intermediate ones. */
export function listedImages(images: ImageView[], all: boolean): ImageView[] {
  if (all) return images;
  const parents = parentIds(images);
  return images.filter((image) => !isIntermediate(image, parents));
}
