import t from 'tap';
import { buildCreateRequest } from '../createOptions.js';
import type { Project, Service } from './model.js';
import { extraNetworks, serviceCreateOptions } from './toCreate.js';
import { parseGoDuration } from './duration.js';

const base: Service = {
  name: 'web', image: 'busybox', environment: {}, ports: [], expose: [], volumes: [], tmpfs: [], networks: { default: null }, depends_on: {}, labels: {},
  cap_add: [], cap_drop: [], ulimits: {}, extra_hosts: [], dns: [], dns_search: [], dns_opt: [], profiles: [], scale: 1, placement: [],
};
const project = (service: Service): Project => ({
  name: 'app', workingDir: '/p', files: ['/p/compose.yaml'], disabled: [], services: { [service.name]: service },
  networks: { default: { name: 'app_default', external: false, labels: {}, driver_opts: {} }, back: { name: 'app_back', external: false, labels: {}, driver_opts: {} } },
  volumes: { data: { name: 'app_data', external: false, labels: {}, driver_opts: {} } },
});

t.test('a service\'s keys become the container\'s Config and HostConfig', async (t) => {
  const service: Service = {
    ...base, command: ['httpd', '-f'], entrypoint: null, environment: { A: '1', UNSET: null }, user: '1000:1000', working_dir: '/srv', hostname: 'h',
    init: true, read_only: true, cap_add: ['NET_ADMIN'], cap_drop: ['ALL'], stop_signal: 'SIGQUIT', restart: 'on-failure:3',
    ulimits: { nofile: { soft: 1024, hard: 2048 } }, extra_hosts: ['db:10.0.0.2'], dns: ['10.0.0.53'], mem_limit: 64 * 1024 * 1024, pids_limit: 50,
    healthcheck: { test: ['CMD', 'wget', '-q', 'http://x/a b'], interval: '1m30s', retries: 3 },
    volumes: [{ type: 'volume', source: 'data', target: '/data', read_only: true }, { type: 'volume', target: '/cache' }, { type: 'bind', source: '/p/conf', target: '/conf', bind: { create_host_path: true } }],
    tmpfs: ['/run:size=1m'],
    networks: { default: null, back: { aliases: ['api'] } },
  };
  const spec = buildCreateRequest(serviceCreateOptions(project(service), service, { name: 'app-web-1', number: 1, anonymousVolumes: { '/cache': 'abc' } }));
  t.match(spec, {
    name: 'app-web-1', imageRef: 'busybox', cmd: ['httpd', '-f'], entrypoint: [], env: ['A=1'], workingDir: '/srv', hostname: 'h', init: true,
    stopSignal: 'SIGQUIT', restartPolicy: { name: 'on-failure', maximumRetryCount: 3 }, memoryBytes: 64 * 1024 * 1024, pidsLimit: 50,
    security: { capAdd: ['NET_ADMIN'], capDrop: ['ALL'], readOnly: true, user: '1000:1000', ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }] },
    health: { cmd: "wget -q 'http://x/a b'", intervalMs: 90_000, retries: 3 },
    networking: { network: 'app_default', aliases: ['web'], extraHosts: ['db:10.0.0.2'], dns: ['10.0.0.53'] },
  });
  t.match(spec.labels, { 'com.docker.compose.project': 'app', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1', 'com.docker.compose.oneoff': 'False' });
  t.match(spec.mounts, [
    { type: 'volume', source: 'app_data', destination: '/data', readOnly: true },
    { type: 'volume', source: 'abc', destination: '/cache', anonymous: true },
    { type: 'bind', source: '/p/conf', destination: '/conf', createSource: true },
    { type: 'tmpfs', destination: '/run', tmpfsSize: 1024 * 1024 },
  ]);
  t.same(extraNetworks(project(service), service), [{ name: 'app_back', aliases: ['web', 'api'] }]);
  t.same(extraNetworks(project(service), service, ['app_default']), [{ name: 'app_back', aliases: ['web', 'api'] }], 'left on its first network: the other to join');
  t.same(extraNetworks(project(service), service, ['app_default', 'app_back']), [], 'on every network: none to join');
  const addressed: Service = { ...base, networks: { default: { ipv6_address: 'fd95::5' }, back: { ipv4_address: '10.1.0.5', ipv6_address: 'fd96::5' } } };
  t.match(buildCreateRequest(serviceCreateOptions(project(addressed), addressed, { name: 'app-web-1', number: 1, anonymousVolumes: {} })).networking, { network: 'app_default', ip6: 'fd95::5' }, 'ipv6_address on the first network: --ip6');
  t.same(extraNetworks(project(addressed), addressed), [{ name: 'app_back', aliases: ['web'], ip: '10.1.0.5', ip6: 'fd96::5' }], 'and on a network joined after create');
});

t.test('network_mode and the healthcheck\'s forms', async (t) => {
  const none = { ...base, network_mode: 'none', networks: undefined, healthcheck: { disable: true } };
  const spec = buildCreateRequest(serviceCreateOptions(project(none), none, { name: 'n', number: 1 }));
  t.equal(spec.security?.network, 'none');
  t.equal(spec.networking, undefined);
  t.same(spec.health, { none: true });
  const shared = { ...base, network_mode: 'service:db', networks: undefined, healthcheck: { test: ['CMD-SHELL', 'test -f /ready'] } };
  const joined = buildCreateRequest(serviceCreateOptions(project(shared), shared, { name: 'n', number: 1 }));
  t.equal(joined.networking?.network, 'container:app-db-1');
  t.same(joined.health, { cmd: 'test -f /ready' });
  t.throws(() => serviceCreateOptions(project(base), { ...base, restart: 'sometimes' }, { name: 'n', number: 1 }), /invalid restart policy: sometimes/);
});

t.test('ports: as -p would publish them; none on another container\'s network', async (t) => {
  const web: Service = { ...base, ports: [
    { target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' },
    { target: 53, published: '5353', protocol: 'udp', mode: 'ingress' },
    { target: 9000, protocol: 'tcp', mode: 'ingress' },
  ] };
  const spec = buildCreateRequest(serviceCreateOptions(project(web), web, { name: 'app-web-1', number: 1 }));
  t.same(spec.networking?.ports, [
    { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: '8080' },
    { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: '5353' },
    { containerPort: 9000, protocol: 'tcp', hostIp: '', hostPort: '' },
  ]);
  t.equal(spec.networking?.network, 'app_default');
  const plain = buildCreateRequest(serviceCreateOptions(project(base), base, { name: 'app-web-1', number: 1 }));
  t.equal(plain.networking?.ports, undefined, 'no ports: none asked');
  t.equal(plain.expose, undefined, 'no expose: none asked');
  const exposing = { ...base, expose: ['3000', '4000-4001/udp'] };
  t.same(buildCreateRequest(serviceCreateOptions(project(exposing), exposing, { name: 'app-web-1', number: 1 })).expose, ['3000/tcp', '4000/udp', '4001/udp'], 'expose: as --expose');
  const host = { ...web, network_mode: 'host', networks: undefined };
  t.equal(buildCreateRequest(serviceCreateOptions(project(host), host, { name: 'n', number: 1 })).networking, undefined, 'discarded on the host\'s network, as Docker does');
  const joined = { ...web, network_mode: 'service:db', networks: undefined };
  t.throws(() => serviceCreateOptions(project(joined), joined, { name: 'n', number: 1 }), /conflicting options: port publishing and the container type network mode/);
});

t.test('Go durations', async (t) => {
  t.equal(parseGoDuration('1m30s', 'x'), 90_000);
  t.equal(parseGoDuration('300ms', 'x'), 300);
  t.equal(parseGoDuration('1.5s', 'x'), 1500);
  t.throws(() => parseGoDuration('10', 'services.web.stop_grace_period'), /services.web.stop_grace_period: invalid duration "10"/);
});
