/**
 * This host as a node of the cluster: its node events on berth.evt.<host>.node.<host>. At
 * start it reads them (writing `node.joined` the first time), and it records drain and
 * activate. Appends carry the subject's last sequence, as every entity's do.
 */
import { randomUUID } from 'node:crypto';
import type { AnyEvent } from '../events/all.js';
import { availabilityAfter, type Availability, type NodeEvent } from '../events/node.js';
import { describeInvalid, type EventStore } from '../events/store.js';
import { nodeSubject } from '../events/subjects.js';
import { processLogger } from '../log/settings.js';

export class NodeRecord {
  private lastSeq = 0;
  private last: NodeEvent['type'] | undefined;

  private constructor(readonly host: string, private readonly store: EventStore) {}

  static async open(host: string, store: EventStore): Promise<NodeRecord> {
    const record = new NodeRecord(host, store);
    for await (const stored of store.read(nodeSubject(host), {}, (invalid) => {
      record.lastSeq = invalid.seq; // the next append expects the subject's real last sequence
      processLogger().error('an invalid node record is ignored', { problem: describeInvalid(invalid) });
    })) {
      record.lastSeq = stored.seq;
      record.last = stored.event.type as NodeEvent['type'];
    }
    if (record.last === undefined) await record.record('node.joined', randomUUID());
    return record;
  }

  get availability(): Availability {
    return availabilityAfter(this.last);
  }

  /** Appends one node event unless it would change nothing (a drain of a drained host). */
  async record(type: NodeEvent['type'], requestId: string): Promise<Availability> {
    if (type !== 'node.joined' && availabilityAfter(type) === this.availability) return this.availability;
    const event = {
      id: `${requestId}.${type}`,
      type,
      host: this.host,
      kind: 'node',
      entity: this.host,
      time: Date.now(),
      causation: requestId,
      correlation: requestId,
      attributes: { name: this.host },
      data: {},
    } satisfies AnyEvent;
    const [stored] = await this.store.append([event], this.lastSeq);
    this.lastSeq = stored.seq;
    this.last = type;
    return this.availability;
  }
}
