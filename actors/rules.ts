/** The rules of each kind, as the entity runtime takes them. */
import type { ContainerCommand, ContainerConfig } from '../events/container.js';
import type { ImageCommand, ImageRecord } from '../events/image.js';
import { decideContainer } from './container/decide.js';
import { containerMachine } from './container/machine.js';
import type { ContainerState } from './container/state.js';
import { decideImage } from './image/decide.js';
import { imageMachine } from './image/machine.js';
import type { ImageState } from './image/state.js';
import type { VolumeCommand, VolumeRecord } from '../events/volume.js';
import { decideVolume } from './volume/decide.js';
import { volumeMachine } from './volume/machine.js';
import type { VolumeState } from './volume/state.js';
import type { NameCommand } from '../events/name.js';
import { decideName } from './name/decide.js';
import { nameMachine } from './name/machine.js';
import type { NameState } from './name/state.js';
import type { NetworkCommand, NetworkRecord } from '../events/network.js';
import { decideNetwork } from './network/decide.js';
import { networkMachine } from './network/machine.js';
import type { NetworkState } from './network/state.js';
import type { KindRules } from './entity.js';

export const containerRules: KindRules<ContainerState, ContainerCommand> = {
  kind: 'container',
  machine: containerMachine,
  decide: decideContainer,
  retiredStatus: 'removed',
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
    const arrival = draft.type === 'image.imported' || draft.type === 'image.pulled' || draft.type === 'image.loaded' || draft.type === 'image.committed';
    const tags = arrival ? (draft.data as ImageRecord).tags : state.tags;
    return tags[0] ? { name: tags[0] } : ({} as Record<string, string>);
  },
};

export const volumeRules: KindRules<VolumeState, VolumeCommand> = {
  kind: 'volume',
  machine: volumeMachine,
  decide: decideVolume,
  attributes: (state, draft) => {
    const record = draft.type === 'volume.created' ? (draft.data as VolumeRecord) : state.record;
    if (!record) return {};
    return { name: record.name, driver: record.driver, ...Object.fromEntries(Object.entries(record.labels).filter(([key]) => key !== 'name' && key !== 'driver')) };
  },
};

export const nameRules: KindRules<NameState, NameCommand> = {
  kind: 'name',
  machine: nameMachine,
  decide: decideName,
  retiredStatus: 'released',
  attributes: (state, draft) => {
    const name = (draft.data as { name?: string }).name ?? state.name;
    return name ? { name } : ({} as Record<string, string>);
  },
};

export const networkRules: KindRules<NetworkState, NetworkCommand> = {
  kind: 'network',
  machine: networkMachine,
  decide: decideNetwork,
  attributes: (state, draft) => {
    const record = draft.type === 'network.created' ? (draft.data as NetworkRecord) : state.record;
    return record ? { name: record.name, driver: record.driver } : ({} as Record<string, string>);
  },
};
