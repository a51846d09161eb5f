/** decide: the only place image rules live. */
import type { Draft } from '../../events/envelope.js';
import type { ImageCommand, ImageEvent } from '../../events/image.js';
import { NotFoundError } from '../../events/errors.js';
import type { ImageState } from './state.js';

export type ImageDraft = Draft<ImageEvent>;

export function decideImage(state: ImageState, command: ImageCommand): ImageDraft[] {
  if (command.type === 'Import' || command.type === 'Pull' || command.type === 'Load' || command.type === 'Commit') {
    if (state.status === 'present') {
      // The same content again: only the tags it brings are news.
      return command.record.tags
        .filter((tag) => !state.tags.includes(tag))
        .map((tag) => ({ type: 'image.tagged', data: { tag } }));
    }
    const type = ({ Import: 'image.imported', Pull: 'image.pulled', Load: 'image.loaded', Commit: 'image.committed' } as const)[command.type];
    return [{ type, data: command.record }];
  }
  if (state.status !== 'present') throw new NotFoundError(`No such image: ${state.id.slice(0, 12)}`);
  switch (command.type) {
    case 'Tag':
      return state.tags.includes(command.tag) ? [] : [{ type: 'image.tagged', data: { tag: command.tag } }];
    case 'Untag':
      return state.tags.includes(command.tag) ? [{ type: 'image.untagged', data: { tag: command.tag } }] : [];
    case 'RecordPush':
      return [{ type: 'image.pushed', data: { tag: command.tag, digest: command.digest } }];
    case 'Delete':
      return [
        ...state.tags.map((tag): ImageDraft => ({ type: 'image.untagged', data: { tag } })),
        { type: 'image.deleted', data: {} },
      ];
  }
}
