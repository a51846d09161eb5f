import t from 'tap';
import type { AnyEvent } from '../../events/all.js';
import type { ContainerView, ImageView, InfoView, StatsView } from '../../events/requests.js';
import { eventRecord } from './events.js';
import { dockerInfo } from './info.js';
import { containerJson, imageJson } from './inspect.js';
import { psRow, statusText } from './ps.js';
import { cpuPercent, statsRow } from './stats.js';

const view = (over: Partial<ContainerView> = {}): ContainerView => ({
  id: 'a'.repeat(64), host: 'h1', status: 'running', created: 1_000, pid: 42, exitCode: null, oomKilled: false,
  error: null, startedAt: 2_000, finishedAt: null, restartCount: 0, health: null,
  config: {
    name: 'web', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['/bin/sh', '-c', 'sleep 9'], entrypoint: ['/bin/sh', '-c'],
    env: ['A=1'], workingDir: '/', hostname: 'aaaa', autoRemove: false, labels: { tier: 'front' },
    restartPolicy: { name: 'always', maximumRetryCount: 0 }, constraints: [{ key: 'zone', value: 'b' }],
  },
  ...over,
});

t.test('inspect: a container under Docker\'s names', async (t) => {
  // given a running container whose argv starts with its entrypoint
  const json = containerJson(view()) as any;
  // then Docker's shape splits them, and says it runs
  t.equal(json.Name, '/web');
  t.same([json.Config.Entrypoint, json.Config.Cmd], [['/bin/sh', '-c'], ['sleep 9']]);
  t.same(json.State.Running, true);
  t.equal(json.State.Pid, 42);
  t.equal(json.Image, `sha256:${'b'.repeat(64)}`);
  t.same(json.HostConfig.RestartPolicy, { Name: 'always', MaximumRetryCount: 0 });
  t.equal(json.State.FinishedAt, '0001-01-01T00:00:00Z', 'Docker\'s zero time for a time never reached');
  t.notOk('ExposedPorts' in json.Config, 'none exposed: no ExposedPorts, as Docker omits it');
  const exposing = containerJson(view({ config: { ...view().config, exposedPorts: ['53/udp', '80/tcp'] } })) as any;
  t.same(exposing.Config.ExposedPorts, { '53/udp': {}, '80/tcp': {} });
});

t.test('image inspect: Comment is the last history entry\'s, and always there (docker -f {{.Comment}})', async (t) => {
  const image: ImageView = {
    id: 'c'.repeat(64), host: 'h1', tags: ['app:1'], size: 1, created: '2026-01-01T00:00:00Z', diffIds: [], env: [], cmd: [], entrypoint: [], workingDir: '',
    history: [{ created: '2026-01-01T00:00:00Z', createdBy: 'berth import', comment: 'imported' }, { created: '2026-01-02T00:00:00Z', comment: 'made it' }],
  };
  t.match(imageJson(image), { Id: `sha256:${'c'.repeat(64)}`, Comment: 'made it' });
  t.match(imageJson({ ...image, history: undefined }), { Comment: '' });
});

t.test('image inspect: ContainerConfig only when asked (the Engine API, for docker-compose 1.29)', async (t) => {
  const image = { id: 'ab'.repeat(32), host: 'h', tags: ['busybox:latest'], size: 1, created: '2026-01-01T00:00:00Z', diffIds: [], env: ['PATH=/bin'], cmd: ['sh'], entrypoint: [], workingDir: '', volumes: ['/data'] } as ImageView;
  const plain = imageJson(image) as Record<string, any>;
  t.notOk('ContainerConfig' in plain, "berth inspect, as Docker's newest API");
  const served = imageJson(image, { containerConfig: true }) as Record<string, any>;
  t.same(served.ContainerConfig, plain.Config);
  t.same(served.ContainerConfig.Volumes, { '/data': {} }, 'what compose reads');
});

t.test('ps: a row and its STATUS text', async (t) => {
  const now = 2_000 + 3 * 60_000;
  t.equal(statusText(view(), now), 'Up 3 minutes');
  t.equal(statusText(view({ status: 'exited', exitCode: 3, finishedAt: now - 2_000 }), now), 'Exited (3) 2 seconds ago');
  t.equal(statusText(view({ status: 'lost' }), now), 'Lost (host h1 is lost)');
  const row = psRow(view(), false, now, true);
  t.match(row, { ID: 'a'.repeat(12), Names: 'h1/web', State: 'running', Labels: 'tier=front', Host: 'h1' }, 'clustered: HOST/NAME');
  t.equal(psRow(view({ status: 'stopping' }), false, now).State, 'running', 'stopping is running to Docker');
});

t.test('info: Docker\'s names', async (t) => {
  const info: InfoView = {
    id: 'h1', name: 'box', serverVersion: '0.1.0', containers: 3, containersRunning: 1, containersPaused: 1, containersStopped: 1,
    images: 2, volumes: 0, cgroupVersion: '1', kernelVersion: '6.1', operatingSystem: 'Debian', architecture: 'x86_64',
    cpus: 2, memoryBytes: 4096, rootDir: '/var/lib/berth', runRoot: '/run/berth', pid: 7,
    configFile: '/etc/berth/daemon.json', settingSources: { 'data-root': 'file', labels: 'flag' },
  };
  t.match(dockerInfo(info), { ID: 'h1', ContainersRunning: 1, NCPU: 2, MemTotal: 4096, CgroupVersion: '1', DockerRootDir: '/var/lib/berth' });
  t.same(dockerInfo(info).ConfigFile, '/etc/berth/daemon.json');
  t.same(dockerInfo(info).SettingSources, { 'data-root': 'file', labels: 'flag' });
});

t.test('stats: CPU % between two readings, sizes as Docker prints them', async (t) => {
  const reading = (read: number, cpuUsageNs: number): StatsView => ({
    id: 'c'.repeat(64), name: 'web', read, memoryUsage: 3 * 1024 * 1024, memoryLimit: 12 * 1024 * 1024, cpuUsageNs,
    pids: 4, pidsLimit: null, ioReadBytes: 1500, ioWriteBytes: 0, onlineCpus: 2,
  } as StatsView);
  // given 500 ms of CPU time over one second
  const before = reading(1_000, 0);
  const after = reading(2_000, 500_000_000);
  t.equal(cpuPercent(before, after), 50, 'half of one CPU');
  t.equal(cpuPercent(undefined, after), 0, 'no earlier reading: 0');
  t.match(statsRow(after, before), { Name: 'web', CPUPerc: '50.00%', MemUsage: '3MiB / 12MiB', MemPerc: '25.00%', BlockIO: '1.5kB / 0B', PIDs: '4' });
});

t.test('events: Docker\'s record, with host and seq', async (t) => {
  const event = { type: 'container.started', kind: 'container', entity: 'd'.repeat(64), host: 'h2', time: 1_500, id: 'x', attributes: {} } as unknown as AnyEvent;
  const record = eventRecord({ seq: 9, event }, { type: 'container', action: 'start', attributes: { name: 'web', image: 'busybox' } });
  t.match(record, { status: 'start', id: 'd'.repeat(64), from: 'busybox', Type: 'container', Action: 'start', time: 1, timeNano: 1_500_000_000, host: 'h2', seq: 9 });
  t.same(record.Actor, { ID: 'd'.repeat(64), Attributes: { name: 'web', image: 'busybox' } });
});
