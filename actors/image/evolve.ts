/** evolve: the image's data after one event. Pure. */
import type { ImageEvent } from '../../events/image.js';
import type { ImageData } from './state.js';

export function evolveImage(data: ImageData, event: ImageEvent): ImageData {
  switch (event.type) {
    case 'image.imported':
    case 'image.pulled':
    case 'image.loaded':
      return { ...data, record: event.data, tags: [...new Set([...data.tags, ...event.data.tags])] };
    case 'image.tagged':
      return { ...data, tags: [...data.tags.filter((t) => t !== event.data.tag), event.data.tag] };
    case 'image.untagged':
      return { ...data, tags: data.tags.filter((t) => t !== event.data.tag) };
    case 'image.deleted':
      return { ...data, tags: [] };
  }
}
