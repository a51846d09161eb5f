import t from 'tap';
import type { PortRequest } from '../../events/ports.js';
import { clashAtStart, clashes, decidePorts, exposedPorts, exposedRequests, heldPorts } from './ports.js';

const ask = (containerPort: number, hostPort = '', hostIp = '', protocol: 'tcp' | 'udp' = 'tcp'): PortRequest => ({ containerPort, protocol, hostIp, hostPort });
const held = (hostPort: number, hostIp = '', protocol = 'tcp') => ({ hostPort, hostIp, protocol });
const decide = (requests: PortRequest[], reserved = [] as ReturnType<typeof held>[], busy = [] as ReturnType<typeof held>[], exposed: PortRequest[] = []) =>
  decidePorts({ requests, exposed, reserved, busy, range: [40000, 40003] });

t.test('an asked-for port is given as asked', async (t) => {
  t.same(decide([ask(80, '8080')]), [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 8080, requested: '8080' }]);
  t.same(decide([ask(80, '8080', '127.0.0.1')])[0].hostIp, '127.0.0.1');
});

t.test('a free port: the lowest of the range that nothing holds', async (t) => {
  t.same(decide([ask(80)]).map((p) => p.hostPort), [40000]);
  t.same(decide([ask(80), ask(81)]).map((p) => p.hostPort), [40000, 40001], 'two requests, two ports');
  t.same(decide([ask(80)], [held(40000)], [held(40001)]).map((p) => p.hostPort), [40002], 'around reserved and bound ones');
  t.same(decide([ask(80, '', '', 'udp')], [held(40000)]).map((p) => p.hostPort), [40000], 'another protocol does not clash');
  t.same(decide([ask(80, '9000-9002')], [held(9000)]).map((p) => p.hostPort), [9001], 'a host range: its lowest free port');
  t.throws(() => decide([ask(80)], [held(40000), held(40001), held(40002), held(40003)]), { name: 'ConflictError', message: 'no free host port for 80/tcp in 40000-40003' });
});

t.test('conflicts are refused in one line', async (t) => {
  t.throws(() => decide([ask(80, '8080')], [held(8080)]), { name: 'ConflictError', message: 'Bind for 0.0.0.0:8080 failed: port is already allocated' });
  t.throws(() => decide([ask(80, '8080', '127.0.0.1')], [held(8080)]), { message: 'Bind for 127.0.0.1:8080 failed: port is already allocated' }, 'every address covers 127.0.0.1');
  t.throws(() => decide([ask(80, '8080')], [], [held(8080, '127.0.0.1')]), { message: 'Bind for 0.0.0.0:8080 failed: address already in use' }, 'a process of the host holds it');
  t.throws(() => decide([ask(80, '8080'), ask(81, '8080')]), { message: /port is already allocated/ }, 'twice in one request');
  t.throws(() => decide([ask(80, '9000-9001')], [held(9000), held(9001)]), { message: 'Bind for 0.0.0.0:9000-9001 failed: port is already allocated' });
  t.same(decide([ask(80, '8080', '10.0.0.1')], [held(8080, '10.0.0.2')]).map((p) => p.hostPort), [8080], 'two distinct addresses share a port');
});

t.test('-P publishes what is exposed and was not asked for', async (t) => {
  t.same(exposedRequests(['53/udp', '80/tcp', '443/tcp', '8080/tcp'], [ask(443, '4443')]), [ask(53, '', '', 'udp'), ask(80), ask(8080)]);
  const chosen = decide([ask(443, '4443')], [], [], exposedRequests(['80/tcp'], [ask(443, '4443')]));
  t.same(chosen[1], { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 40000, requested: '', exposed: true });
});

t.test('clashes', async (t) => {
  t.ok(clashes(held(1), held(1, '127.0.0.1')));
  t.notOk(clashes(held(1, '10.0.0.1'), held(1, '127.0.0.1')));
  t.notOk(clashes(held(1), held(2)));
});

t.test("Config.ExposedPorts: the image's EXPOSE, --expose and -p merged, as Docker does", async (t) => {
  t.same(exposedPorts(['8080', '80/tcp', '53/UDP', 'x/tcp', '7/sctp', '0/tcp'], [], []), ['53/udp', '80/tcp', '8080/tcp'], 'normalized; what berth cannot publish left out');
  t.same(exposedPorts(['80/tcp'], ['80/tcp', '81/udp', '81/tcp'], [ask(443, '4443'), ask(80, '8080')]), ['80/tcp', '81/tcp', '81/udp', '443/tcp'], 'each once, by port then protocol');
  t.same(exposedPorts([], [], []), []);
});

t.test("a stopped container holds only the ports berth chose for it; a start checks the running ones'", async (t) => {
  const port = (hostPort: number, requested: string) => ({ containerPort: 80, protocol: 'tcp' as const, hostIp: '', hostPort, requested });
  t.same(heldPorts([{ ports: [port(8080, '8080'), port(40000, '')], up: true }]).map((p) => p.hostPort), [8080, 40000], 'a running one: all');
  t.same(heldPorts([{ ports: [port(8080, '8080'), port(40000, '')], up: false }]).map((p) => p.hostPort), [40000], 'a stopped one: its ephemeral port only');
  t.same(decide([ask(80, '8080')], heldPorts([{ ports: [port(8080, '8080')], up: false }])).map((p) => p.hostPort), [8080], "compose 1.29's recreate: made beside the stopped one");
  t.throws(() => clashAtStart([port(8080, '8080')], [held(8080)]), { name: 'ConflictError', message: 'Bind for 0.0.0.0:8080 failed: port is already allocated' });
  t.doesNotThrow(() => clashAtStart([port(8080, '8080')], [held(8081), held(8080, '', 'udp')]));
});
