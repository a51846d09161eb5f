/** Node requests (berth.cmd.<host>.node): a host's availability for placement. */
import * as z from 'zod';
import { Availability } from '../node.js';
import { lazySchema } from '../lazySchema.js';

export const nodeRequests = {
  /** Stop placement on this host (`berth host drain`); recorded as `node.drained`. */
  'node.drain': lazySchema(() => z.object({ op: z.literal('node.drain') })),
  /** Allow placement again (`berth host activate`); recorded as `node.activated`. */
  'node.activate': lazySchema(() => z.object({ op: z.literal('node.activate') })),
};

const NodeResult = lazySchema(() => z.object({ host: z.string(), availability: Availability }));

export const nodeResults = {
  'node.drain': NodeResult,
  'node.activate': NodeResult,
};
