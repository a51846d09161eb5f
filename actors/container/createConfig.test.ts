/** The create spec over the image's config, given/when/then. */
import t from 'tap';
import { DEFAULT_PIDS_LIMIT, commandLine, containerConfig, mergeEnv, stopSignalOf } from './createConfig.js';
import type { ImageRecord } from '../../events/image.js';
import type { CreateSpec } from '../../events/requests.js';

const image = { entrypoint: ['/entry'], cmd: ['--serve'] };

t.test('given an image with an entrypoint and a cmd', async (t) => {
  t.same(commandLine({ cmd: [] }, image), { cmd: ['/entry', '--serve'], entrypoint: ['/entry'] }, 'when nothing is given, then both are the image\'s');
  t.same(commandLine({ cmd: ['--once'] }, image), { cmd: ['/entry', '--once'], entrypoint: ['/entry'] }, 'when a cmd is given, then it replaces the image\'s cmd');
  t.same(commandLine({ entrypoint: ['/other'], cmd: [] }, image), { cmd: ['/other'], entrypoint: ['/other'] }, 'when an entrypoint is given, then the image\'s cmd is dropped too');
  t.same(commandLine({ entrypoint: [], cmd: [] }, image), { cmd: [], entrypoint: [] }, 'when an empty entrypoint is given, then nothing is left (decide refuses it)');
});

t.test('given an image without a command, when none is given, then the argv is empty', async (t) => {
  t.same(commandLine({ cmd: [] }, { entrypoint: [], cmd: [] }).cmd, []);
});

t.test('env: the user\'s replace the image\'s by key, in the image\'s order', async (t) => {
  t.same(mergeEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3', 'FLAG']), ['PATH=/bin', 'A=2', 'B=3', 'FLAG']);
});

t.test('stop signal: by name, SIGTERM and unknown ones dropped', async (t) => {
  t.same(stopSignalOf('9'), { stopSignal: 'SIGKILL' });
  t.same(stopSignalOf('SIGTERM'), {});
  t.same(stopSignalOf('SIGNOPE'), {});
  t.same(stopSignalOf(undefined), {});
});

t.test('given no --pids-limit, when the config is made, then podman\'s default 2048 is recorded; a given one is kept', async (t) => {
  const image = { id: 'a'.repeat(64), record: { env: ['PATH=/bin'], cmd: ['sh'], entrypoint: [], workingDir: '' } as unknown as ImageRecord };
  const spec = { imageRef: 'busybox', cmd: [], env: [], labels: {}, autoRemove: false } as unknown as CreateSpec;
  const none = () => ({});
  t.equal(containerConfig(spec, image, 'b'.repeat(64), 'x', none).pidsLimit, DEFAULT_PIDS_LIMIT);
  t.equal(DEFAULT_PIDS_LIMIT, 2048);
  t.equal(containerConfig({ ...spec, pidsLimit: 10 }, image, 'b'.repeat(64), 'x', none).pidsLimit, 10);
});

t.test("given an image that exposes 80, when --expose and -p add ports, then Config.ExposedPorts has them all; with none, it is absent", async (t) => {
  const image = { id: 'a'.repeat(64), record: { env: [], cmd: ['sh'], entrypoint: [], workingDir: '', exposedPorts: ['80/tcp'] } as unknown as ImageRecord };
  const spec = { imageRef: 'x', cmd: [], env: [], labels: {}, autoRemove: false } as unknown as CreateSpec;
  const none = () => ({});
  const ports = [{ containerPort: 443, protocol: 'tcp' as const, hostIp: '', hostPort: '' }];
  t.same(containerConfig({ ...spec, expose: ['53/udp'], networking: { aliases: [], extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [], ports } }, image, 'b'.repeat(64), 'x', none).exposedPorts, ['53/udp', '80/tcp', '443/tcp']);
  t.notOk('exposedPorts' in containerConfig(spec, { ...image, record: { ...image.record, exposedPorts: [] } }, 'b'.repeat(64), 'x', none));
});
