/** evolve: the image's data after one event. Pure. */
import type { ImageEvent } from '../../events/image.js';
import { splitReference } from '../../runtime/images/reference.js';
import type { ImageData } from './state.js';

export function evolveImage(data: ImageData, event: ImageEvent): ImageData {
  switch (event.type) {
    case 'image.imported':
    case 'image.pulled':
    case 'image.loaded':
    case 'image.committed':
      return { ...data, record: event.data, tags: [...new Set([...data.tags, ...event.data.tags])] };
    case 'image.tagged':
      return { ...data, tags: [...data.tags.filter((t) => t !== event.data.tag), event.data.tag] };
    case 'image.untagged':
      return { ...data, tags: data.tags.filter((t) => t !== event.data.tag) };
    case 'image.pushed': {
      // Docker's RepoDigests: one per repository, the latest push's.
      const name = splitReference(event.data.tag).repository;
      const kept = (data.record?.repoDigests ?? []).filter((d) => d.slice(0, d.lastIndexOf('@')) !== name);
      return data.record ? { ...data, record: { ...data.record, repoDigests: [...kept, `${name}@${event.data.digest}`] } } : data;
    }
    case 'image.deleted':
      return { ...data, tags: [] };
  }
}
