import t from 'tap';
import { chainIds } from './digest.js';
import { parseImageConfig, recordFromConfig } from './imageConfig.js';

const diff = `sha256:${'d'.repeat(64)}`;

t.test('a config becomes what runs inherit', async (t) => {
  const blob = parseImageConfig(Buffer.from(JSON.stringify({
    created: '2024-01-01T00:00:00Z', architecture: 'amd64', os: 'linux',
    config: {
      Env: ['PATH=/bin', 'A=1'], Entrypoint: ['/entry'], Cmd: ['serve'], WorkingDir: '/srv', User: '1000:1000',
      ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, StopSignal: 'SIGQUIT', Labels: { a: 'b' },
      Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 3 },
    },
    rootfs: { type: 'layers', diff_ids: [diff, diff] },
    history: [{ created_by: 'ADD rootfs', created: '2024-01-01T00:00:00Z' }, { created_by: 'CMD', empty_layer: true }],
  })));
  const record = recordFromConfig(`sha256:${'c'.repeat(64)}`, blob);
  t.same(record.env, ['PATH=/bin', 'A=1']);
  t.same([record.entrypoint, record.cmd, record.workingDir, record.user], [['/entry'], ['serve'], '/srv', '1000:1000']);
  t.same([record.exposedPorts, record.volumes, record.stopSignal, record.labels], [['80/tcp'], ['/data'], 'SIGQUIT', { a: 'b' }]);
  t.same(record.healthcheck, { test: ['CMD', 'true'], interval: 5e9, timeout: undefined, startPeriod: undefined, retries: 3 });
  t.same(record.chainIds, chainIds([diff, diff]));
  t.same(record.history?.map((h) => h.emptyLayer), [undefined, true]);
});

t.test('nulls and absences are empty, bad configs are refused', async (t) => {
  const record = recordFromConfig(diff, parseImageConfig(Buffer.from(JSON.stringify({ config: { Env: null, Cmd: null }, rootfs: { type: 'layers', diff_ids: [] } }))));
  t.same([record.env, record.cmd, record.entrypoint, record.workingDir], [[], [], [], '']);
  t.throws(() => parseImageConfig(Buffer.from('{}')), /invalid image config: rootfs/);
  t.throws(() => parseImageConfig(Buffer.from('nope')), /not JSON/);
});
