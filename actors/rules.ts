/** The rules of each kind, as the entity runtime takes them. */
import type { ContainerCommand, ContainerConfig } from '../events/container.js';
import type { ImageCommand, ImageRecord } from '../events/image.js';
import { decideContainer } from './container/decide.js';
import { containerMachine } from './container/machine.js';
import type { ContainerState } from './container/state.js';
import { decideImage } from './image/decide.js';
import { imageMachine } from './image/machine.js';
import type { ImageState } from './image/state.js';
import type { KindRules } from './entity.js';

export const containerRules: KindRules<ContainerState, ContainerCommand> = {
  kind: 'container',
  machine: containerMachine,
  decide: decideContainer,
  attributes: (state, draft) => {
    const config = draft.type === 'container.created' ? (draft.data as ContainerConfig) : state.config;
    if (!config) return {};
    const attributes: Record<string, string> = { name: config.name, image: config.imageRef };
    for (const [key, value] of Object.entries(config.labels)) attributes[key] ??= value;
    return attributes;
  },
};

export const imageRules: KindRules<ImageState, ImageCommand> = {
  kind: 'image',
  machine: imageMachine,
  decide: decideImage,
  attributes: (state, draft) => {
    const tags = draft.type === 'image.imported' ? (draft.data as ImageRecord).tags : state.tags;
    return tags[0] ? { name: tags[0] } : ({} as Record<string, string>);
  },
};
