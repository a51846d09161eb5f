/**
 * What an acknowledged event survives, by the events stream's copies (docs/ARCHITECTURE.md,
 * "Durability"). Pure: the daemon reads the stream's replicas once it has adopted the stream,
 * and `berth info` shows the result.
 *
 * nats-server (Debian's 2.9.10, and later ones by default) answers an append once the write is
 * in the page cache of a majority of the stream's nodes, before any fsync. So a copy on one
 * machine survives every process crash, not a power cut; copies on several machines survive one
 * machine losing its unsynced writes (measured: test/multihost/natsLoss.test.ts), not a power
 * cut of the whole cluster at once.
 */
import type { Durability } from '../events/requests/system.js';

export function durabilityOf(replicas: number): Durability {
  if (replicas <= 1) {
    return {
      replicas: 1,
      setup: 'single',
      guarantee: 'one copy: an acknowledged event survives a crash of any process, not a power cut or kernel crash of this machine (nats-server acknowledges before it fsyncs)',
    };
  }
  return {
    replicas,
    setup: 'replicated',
    guarantee: `${replicas} copies: an acknowledged event is on a majority of nodes before the answer, and survives one node losing its unsynced writes (a power cut of one machine), not a power cut of ${replicas === 2 ? 'both' : 'a majority'} at once`,
  };
}
