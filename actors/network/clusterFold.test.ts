import t from 'tap';
import type { NetworkEvent, NetworkRecord } from '../../events/network.js';
import { foldClusterEvent, type Takeover } from './clusterFold.js';
import { overlayVni } from './overlay.js';
import { carriedForward, EARLIER_KEPT, replacementNamed, type FenceRecord, type Replacement } from '../../events/fence.js';
import { initialNetworkData, type NetworkState } from './state.js';

const record: NetworkRecord = {
  name: 'ov', networkId: 'c'.repeat(64), driver: 'overlay', vni: overlayVni('c'.repeat(64)), subnet: '10.0.0.0/29', gateway: '10.0.0.1',
  bridge: 'br-cccccccccccc', internal: false, labels: {}, options: {}, predefined: false,
};
const none: NetworkState = { ...initialNetworkData({ id: 'n', host: '_cluster' }), status: 'none' };

type Draft = Pick<NetworkEvent, 'type' | 'data'>;
/** [claimant (null: the record subject), event, takeover the fence records name] in stream order. */
type Step = [string | null, Draft, Takeover?];

const envelope = (draft: Draft): NetworkEvent => ({ ...draft, id: 'e', host: '_cluster', kind: 'network', entity: 'n', time: 5, causation: 'c', correlation: 'c', attributes: {} }) as NetworkEvent;

/** Folds the steps; returns the state and what was ignored, step by step. */
function given(...steps: Step[]): { state: NetworkState; ignored: Array<string | undefined> } {
  let state = none;
  const ignored: Array<string | undefined> = [];
  for (const [claimant, draft, takeover] of steps) {
    const folded = foldClusterEvent(state, envelope(draft), claimant, takeover);
    state = folded.state;
    ignored.push(folded.ignored);
  }
  return { state, ignored };
}

const create: Step = [null, { type: 'network.created', data: record }];
const claim = (host: string, container: string, address: string, extra: Record<string, string> = {}): Draft =>
  ({ type: 'network.connected', data: { container, containerName: container, address, aliases: [], host, vtep: `192.0.2.${host.slice(1)}`, ...extra } });
const release = (container: string, address: string): Draft => ({ type: 'network.disconnected', data: { container, address } });
const holders = (state: NetworkState) => Object.fromEntries(Object.values(state.endpoints).map((e) => [e.address, `${e.host}/${e.container}`]));

t.test('given two hosts claiming one address, when folded in stream order, then the first claim wins', async (t) => {
  const { state, ignored } = given(create, ['h1', claim('h1', 'a', '10.0.0.2')], ['h2', claim('h2', 'b', '10.0.0.2')], ['h2', claim('h2', 'b', '10.0.0.3')]);
  t.same(holders(state), { '10.0.0.2': 'h1/a', '10.0.0.3': 'h2/b' });
  t.match(ignored, [undefined, undefined, /10.0.0.2 is held/, undefined], 'the later claim lost; its host claimed again');
});

t.test('given a claim, when its endpoint names another host than its subject, then it is ignored (a forgery)', async (t) => {
  const { state, ignored } = given(create, ['h3', claim('h1', 'x', '10.0.0.2')]);
  t.same(state.endpoints, {});
  t.match(ignored[1], /a claim by h3 for host h1/);
});

t.test('given a lease of h1, when another host releases it or claims its container, then nothing changes', async (t) => {
  const { state, ignored } = given(create, ['h1', claim('h1', 'a', '10.0.0.2')], ['h3', release('a', '10.0.0.2')], ['h3', claim('h3', 'a', '10.0.0.4')]);
  t.same(holders(state), { '10.0.0.2': 'h1/a' });
  t.match(ignored.slice(2), [/the lease is h1's, not h3's/, /holds a lease already/]);
  t.same(holders(given(create, ['h1', claim('h1', 'a', '10.0.0.2')], ['h1', release('a', '10.0.0.2')]).state), {}, 'its own host releases it');
});

t.test('given claims of bad addresses, then they are ignored', async (t) => {
  const { state, ignored } = given(create, ['h1', claim('h1', 'a', '10.0.0.1')], ['h1', claim('h1', 'b', '10.0.1.2')], ['h1', claim('h1', 'c', '10.0.0.7')], ['h1', claim('h1', 'd', '10.0.0.2', { vtep: 'x' })]);
  t.same(state.endpoints, {});
  t.match(ignored.slice(1), [/10.0.0.1 is held/, /not an address of/, /not an address of/, /no VXLAN endpoint/], 'the gateway, outside the subnet, the broadcast, no VTEP');
});

t.test('given a lease of fenced h3, when h1 takes it over, then only the replacement a fence record names gets it', async (t) => {
  const named: Takeover = { container: 'old', fromHost: 'h3', host: 'h1', id: 'new' };
  const held: Step[] = [create, ['h3', claim('h3', 'old', '10.0.0.2')]];
  const valid = given(...held, ['h1', claim('h1', 'new', '10.0.0.2', { replaces: 'old' }), named]);
  t.same(holders(valid.state), { '10.0.0.2': 'h1/new' }, 'same address, new host');
  t.notOk('replaces' in valid.state.endpoints.new, 'the endpoint keeps no takeover mark');
  const forged = given(...held,
    ['h2', claim('h2', 'new', '10.0.0.2', { replaces: 'old' }), named],
    ['h1', claim('h1', 'other', '10.0.0.2', { replaces: 'old' }), named],
    ['h1', claim('h1', 'new', '10.0.0.2', { replaces: 'old' })],
    ['h1', claim('h1', 'new', '10.0.0.3', { replaces: 'old' }), named]);
  t.same(holders(forged.state), { '10.0.0.2': 'h3/old' });
  t.match(forged.ignored.slice(2), [/no fence record/, /no fence record/, /no fence record/, /keeps the address/], 'another host, another container, no record, another address');
});

t.test('given the record subject, which any host writes, then creation and removal are judged and leases there ignored', async (t) => {
  const { state, ignored } = given(create, [null, { type: 'network.created', data: { ...record, networkId: 'd'.repeat(64) } }], [null, claim('h1', 'a', '10.0.0.2')],
    ['h1', claim('h1', 'a', '10.0.0.2')], [null, { type: 'network.removed', data: {} }]);
  t.equal(state.status, 'present');
  t.equal(state.record!.networkId, 'c'.repeat(64), 'the first creation stays');
  t.same(holders(state), { '10.0.0.2': 'h1/a' });
  t.match(ignored.slice(1), [/exists already/, /a lease on the record subject/, undefined, /leases are held/]);
  const removed = given(create, [null, { type: 'network.removed', data: {} }], ['h1', claim('h1', 'a', '10.0.0.2')], ['h1', { type: 'network.created', data: record }]);
  t.equal(removed.state.status, 'removed', 'removed once no lease is held');
  t.match(removed.ignored.slice(2), [/no such network/, /no such network/], 'a claim after the removal, and a creation on a claim subject, are ignored');
  t.match(given([null, { type: 'network.created', data: { ...record, driver: 'bridge' } }]).ignored, [/not an overlay/]);
});

t.test('given h3 fenced twice, when a daemon judges the first fencing\'s takeover by the second record, then it still holds', async (t) => {
  const config = {} as Replacement['config'];
  const first: FenceRecord = { host: 'h3', state: 'fenced', by: 'h2', time: 1, reason: 'host lost', replacements: [{ container: 'old', host: 'h1', id: 'new', config }] };
  // h3 came back (cleared), ran another container, and was lost and fenced again.
  const cleared: FenceRecord = { ...first, state: 'cleared', clearedAt: 2 };
  const earlier = carriedForward(cleared);
  const second: FenceRecord = { host: 'h3', state: 'fenced', by: 'h1', time: 3, reason: 'host lost', replacements: [{ container: 'later', host: 'h2', id: 'later2', config }], earlier };
  t.same(earlier, [{ container: 'old', host: 'h1', id: 'new' }], 'the first fencing\'s replacement, without its config');
  const takeover = replacementNamed([second], 'new');
  t.same(takeover, { container: 'old', host: 'h1', id: 'new', fromHost: 'h3' }, 'the second record still names the first replacement');
  const folded = given(create, ['h3', claim('h3', 'old', '10.0.0.2')], ['h1', claim('h1', 'new', '10.0.0.2', { replaces: 'old' }), takeover]);
  t.same(holders(folded.state), { '10.0.0.2': 'h1/new' }, 'the replacement keeps the lease in a fresh daemon\'s fold');
  t.same(replacementNamed([second], 'later2'), { container: 'later', host: 'h2', id: 'later2', fromHost: 'h3' }, 'and the current one');
  t.equal(replacementNamed([{ ...second, earlier: undefined }], 'new'), undefined, 'a record without them (an older berth\'s) names only its own');
});

t.test('carriedForward keeps every replacement so far, the newest EARLIER_KEPT', async (t) => {
  const config = {} as Replacement['config'];
  t.same(carriedForward(undefined), []);
  const many = Array.from({ length: EARLIER_KEPT + 5 }, (_, i) => ({ container: `c${i}`, host: 'h1', id: `r${i}` }));
  const record: FenceRecord = { host: 'h3', state: 'cleared', by: 'h2', time: 1, reason: 'host lost', replacements: [{ container: 'x', host: 'h2', id: 'y', config }], earlier: many };
  const kept = carriedForward(record);
  t.equal(kept.length, EARLIER_KEPT);
  t.same(kept.at(-1), { container: 'x', host: 'h2', id: 'y' }, 'the last fencing\'s last');
  t.same(kept[0], many[6], 'the oldest dropped');
});
