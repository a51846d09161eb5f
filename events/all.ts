/** The union of every event berth writes, as read back from the log. */
import * as z from 'zod';
import { ContainerEvent } from './container.js';
import { ImageEvent } from './image.js';
import { NameEvent } from './name.js';
import { NodeEvent } from './node.js';
import { VolumeEvent } from './volume.js';

import { NetworkEvent } from './network.js';

export const AnyEvent = z.discriminatedUnion('type', [...ContainerEvent.options, ...ImageEvent.options, ...VolumeEvent.options, ...NetworkEvent.options, ...NodeEvent.options, ...NameEvent.options]);
export type AnyEvent = z.infer<typeof AnyEvent>;
