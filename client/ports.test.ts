import t from 'tap';
import { publishSpec, parseExpose, parseExposeFlags, parsePublish, parsePublishFlags } from './ports.js';

const one = (containerPort: number, hostPort = '', hostIp = '', protocol = 'tcp') => ({ containerPort, protocol, hostIp, hostPort });

t.test('the forms Docker takes', async (t) => {
  t.same(parsePublish('8080:80'), [one(80, '8080')]);
  t.same(parsePublish('127.0.0.1:8080:80'), [one(80, '8080', '127.0.0.1')]);
  t.same(parsePublish('127.0.0.1::80'), [one(80, '', '127.0.0.1')], 'IP::CTR: a free port on that address');
  t.same(parsePublish('80'), [one(80)], 'CTR alone: a free port');
  t.same(parsePublish('0.0.0.0:8080:80'), [one(80, '8080')], '0.0.0.0 is every address');
  t.same(parsePublish('53:53/udp'), [one(53, '53', '', 'udp')]);
  t.same(parsePublish('53/UDP'), [one(53, '', '', 'udp')], 'the protocol in any case');
  t.same(parsePublish('80/tcp'), [one(80)]);
  t.same(parsePublish('80/'), [one(80)], 'an empty protocol is tcp');
  t.same(parsePublish('0:80'), [one(80)], 'host port 0: a free port');
});

t.test('IPv6 host addresses, as Docker writes them', async (t) => {
  t.same(parsePublish('[::]:8080:80'), [one(80, '8080', '::')], 'every IPv6 address');
  t.same(parsePublish('[::0]::80'), [one(80, '', '::')], 'canonical; a free port');
  t.same(parsePublish('[FD00:0::1]:8080:80/udp'), [one(80, '8080', 'fd00::1', 'udp')]);
  t.same(parsePublish(':::8080:80'), [one(80, '8080', '::')], 'unbracketed: all but the last two fields');
  t.same(parsePublish(publishSpec({ target: 80, published: 8080, host_ip: '::' })), [one(80, '8080', '::')], 'the API\'s HostIp :: round-trips');
});

t.test('ranges', async (t) => {
  t.same(parsePublish('8000-8002:80-82'), [one(80, '8000'), one(81, '8001'), one(82, '8002')], 'one to one');
  t.same(parsePublish('80-81'), [one(80), one(81)], 'each on a free port');
  t.same(parsePublish('8000-8010:80'), [one(80, '8000-8010')], 'one container port: a free port of the host range');
  t.same(parsePublish('10.0.0.1:9000-9001:70-71/udp'), [one(70, '9000', '10.0.0.1', 'udp'), one(71, '9001', '10.0.0.1', 'udp')]);
});

t.test("Docker's messages for bad specs", async (t) => {
  const bad = (spec: string, message: string) => t.throws(() => parsePublish(spec), { name: 'ValidationError', message }, spec);
  bad('abc', 'invalid containerPort: abc');
  bad('8080:abc', 'invalid containerPort: abc');
  bad('70000', 'invalid containerPort: 70000');
  bad('0', 'invalid containerPort: 0');
  bad('x:80', 'invalid hostPort: x');
  bad('65536:80', 'invalid hostPort: 65536');
  bad('1.2.3:80:80', 'invalid IP address: 1.2.3');
  bad('300.1.1.1:80:80', 'invalid IP address: 300.1.1.1');
  bad('[fd00::g]:80:80', 'invalid IP address: fd00::g');
  bad('8080:', 'no port specified: 8080:<empty>');
  bad('8000-8001:80-82', 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001');
  bad('82-80', 'invalid containerPort: 82-80');
  bad('80/sctp', 'invalid proto: sctp');
  bad('80/icmp', 'invalid proto: icmp');
});

t.test('several flags', async (t) => {
  t.same(parsePublishFlags(['80', '8080:80', '8080:80', '53/udp']), [one(80), one(80, '8080'), one(53, '', '', 'udp')], 'the same mapping twice counts once');
});

t.test('--expose as Docker reads it', async (t) => {
  t.same(parseExpose('80'), ['80/tcp']);
  t.same(parseExpose('53/UDP'), ['53/udp']);
  t.same(parseExpose('7000-7002/udp'), ['7000/udp', '7001/udp', '7002/udp'], 'a range, expanded');
  t.same(parseExposeFlags(['80', '80/tcp', '81-82', '82']), ['80/tcp', '81/tcp', '82/tcp'], 'each port once, in order');
  const bad = (spec: string, message: string) => t.throws(() => parseExpose(spec), { name: 'ValidationError', message }, spec);
  bad('8080:80', 'invalid port format for --expose: 8080:80');
  bad('abc', 'invalid range format for --expose: abc');
  bad('0', 'invalid range format for --expose: 0');
  bad('90-80', 'invalid range format for --expose: 90-80');
  bad('70000', 'invalid range format for --expose: 70000');
  bad('80/sctp', 'invalid proto: sctp');
});
