/** System requests (berth.cmd.<host>.system) and their results. */
import { z } from 'zod';

export const systemRequests = [z.object({ op: z.literal('system.ping') })] as const;

export const systemResults = {
  'system.ping': z.object({ host: z.string(), version: z.string(), pid: z.number() }),
};
