import t from 'tap';
import { buildCreateRequest } from '../client/createOptions.js';
import { createOptionsFromBody } from './createBody.js';

t.test('a docker CLI body becomes the CLI\'s create options', async (t) => {
  const options = createOptionsFromBody({
    Image: 'busybox', Cmd: ['sh', '-c', 'echo hi'], Env: ['A=1'], Labels: { tier: 'front' }, WorkingDir: '/srv', Tty: true, OpenStdin: true,
    Volumes: { '/anon': {} },
    Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 2e9, Retries: 3 },
    HostConfig: {
      Binds: ['data:/data:ro'], AutoRemove: true, Memory: 64 * 1024 * 1024, NetworkMode: 'none', CapAdd: ['NET_ADMIN'],
      RestartPolicy: { Name: '' }, Tmpfs: { '/run': 'size=1m' }, Init: true, UsernsMode: 'host', LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
    },
  }, '/web');
  t.match(options, {
    image: 'busybox', cmd: ['sh', '-c', 'echo hi'], name: 'web', env: ['A=1'], labels: { tier: 'front' }, workingDir: '/srv', tty: true, openStdin: true,
    autoRemove: true, memoryBytes: 64 * 1024 * 1024, init: true, security: { capAdd: ['NET_ADMIN'], network: 'none' },
    health: { cmd: 'true', intervalMs: 2000, retries: 3 }, logConfig: { driver: 'json-file', maxSizeBytes: 1_000_000 },
  });
  t.equal(options.restartPolicy, undefined, 'an empty restart policy is none');
  t.same(options.mounts.map((m) => [m.type, m.source, m.destination, m.readOnly]), [
    ['volume', 'data', '/data', true], ['volume', '', '/anon', false], ['tmpfs', '', '/run', false],
  ]);
  t.equal(options.networking, undefined, 'none is a security option');
  t.match(buildCreateRequest(options), { imageRef: 'busybox', autoRemove: true, usernsMode: 'host' });
});

t.test('networks: the mode or the endpoint named, with aliases and address', async (t) => {
  const options = createOptionsFromBody({
    Image: 'busybox', HostConfig: { NetworkMode: 'backend' },
    NetworkingConfig: { EndpointsConfig: { backend: { Aliases: ['db'], IPAMConfig: { IPv4Address: '10.1.0.9' } } } },
  }, undefined);
  t.match(options.networking, { network: 'backend', ip: '10.1.0.9', aliases: ['db'] });
  t.equal(createOptionsFromBody({ Image: 'busybox', Entrypoint: 'sh' }, undefined).entrypoint?.[0], 'sh', 'a string entrypoint');
});

t.test('PortBindings and PublishAllPorts are what -p and -P asked', async (t) => {
  const options = createOptionsFromBody({
    Image: 'busybox',
    HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }], '81': null }, PublishAllPorts: true },
  }, undefined);
  // ('81' comes first: JavaScript orders integer-like keys before the others.)
  t.same(options.networking?.ports, [
    { containerPort: 81, protocol: 'tcp', hostIp: '', hostPort: '' },
    { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: '8080' },
    { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: '' },
  ]);
  t.equal(options.networking?.publishAll, true);
  t.same(createOptionsFromBody({ Image: 'busybox', ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8080': {} } }, undefined).expose, ['8080/tcp', '80/tcp', '53/udp'], 'Config.ExposedPorts is --expose (integer-like keys first)');
  t.throws(() => createOptionsFromBody({ Image: 'busybox', ExposedPorts: { '80/sctp': {} } }, undefined), { name: 'ValidationError', message: 'invalid proto: sctp' });
  t.throws(() => createOptionsFromBody({ Image: 'busybox', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 'x' }] } } }, undefined), { name: 'ValidationError', message: /invalid hostPort: x/ });
});

t.test('a bad body is one clear 400 line', async (t) => {
  t.throws(() => createOptionsFromBody({}, undefined), { name: 'ValidationError', message: /Config cannot be empty/ });
  t.throws(() => createOptionsFromBody({ Image: 'busybox', Env: 'A=1' }, undefined), { name: 'ValidationError', message: /^invalid container config: Env/ });
  t.throws(() => createOptionsFromBody({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'sometimes' } } }, undefined), { name: 'ValidationError', message: /RestartPolicy/ });
  t.throws(() => buildCreateRequest(createOptionsFromBody({ Image: 'busybox' }, 'bad name')), /Invalid container name/);
});
