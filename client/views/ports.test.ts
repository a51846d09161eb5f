import t from 'tap';
import type { ContainerView } from '../../events/requests.js';
import type { PublishedPort } from '../../events/ports.js';
import { portBindingsJson, portLines, portsJson, portSummaries, psPorts } from './ports.js';

const published = (containerPort: number, hostPort: number, extra: Partial<PublishedPort> = {}): PublishedPort =>
  ({ containerPort, protocol: 'tcp', hostIp: '', hostPort, requested: String(hostPort), ...extra });
const view = (status: string, ports: PublishedPort[], publishAll = false) =>
  ({ status, config: { name: 'web', networking: { mode: 'networks', networks: [], extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [], ports, publishAll } } }) as unknown as ContainerView;

const ports = [
  published(80, 8080),
  published(53, 5353, { protocol: 'udp', hostIp: '127.0.0.1' }),
  published(81, 32768, { requested: '' }),
  published(443, 32769, { requested: '', exposed: true }),
];

t.test('inspect', async (t) => {
  t.same(portsJson(view('running', ports)), {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }],
    '81/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }],
    '443/tcp': [{ HostIp: '0.0.0.0', HostPort: '32769' }],
    '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
  });
  t.same(portsJson(view('exited', ports)), {}, 'no mapping while stopped, as Docker');
  t.same(portBindingsJson(view('exited', ports, true)), {
    PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }], '81/tcp': [{ HostIp: '', HostPort: '' }] },
    PublishAllPorts: true,
  }, 'as asked, kept while stopped, -P left out');
});

t.test('ps and port', async (t) => {
  t.equal(psPorts(view('running', [published(80, 8080)])), '0.0.0.0:8080->80/tcp');
  t.equal(psPorts(view('running', [published(81, 8001), published(80, 8000), published(82, 8002), published(90, 9000)])), '0.0.0.0:8000-8002->80-82/tcp, 0.0.0.0:9000->90/tcp', 'consecutive ports as a range');
  t.equal(psPorts(view('exited', ports)), '');
  t.same(portLines(view('running', ports)), ['80/tcp -> 0.0.0.0:8080', '81/tcp -> 0.0.0.0:32768', '443/tcp -> 0.0.0.0:32769', '53/udp -> 127.0.0.1:5353']);
});

t.test('exposed ports not published: null in inspect, listed by ps and the API list while running', async (t) => {
  const exposing = (status: string) => {
    const v = view(status, [published(80, 8080)]);
    return { ...v, config: { ...v.config, exposedPorts: ['53/udp', '80/tcp', '81/tcp', '82/tcp', '7000/udp', '7001/udp'] } } as ContainerView;
  };
  t.same(portsJson(exposing('running')), { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '53/udp': null, '81/tcp': null, '82/tcp': null, '7000/udp': null, '7001/udp': null });
  t.equal(psPorts(exposing('running')), '0.0.0.0:8080->80/tcp, 53/udp, 81-82/tcp, 7000-7001/udp');
  t.same(portSummaries(exposing('running')).slice(0, 2), [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' }]);
  t.same([portsJson(exposing('exited')), psPorts(exposing('exited')), portSummaries(exposing('exited'))], [{}, '', []], 'none while stopped');
});
