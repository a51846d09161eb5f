import t from 'tap';
import { buildCreateRequest, type CreateOptions } from './createOptions.js';
import { parseVolumeFlag } from './mounts.js';

const options = (over: Partial<CreateOptions> = {}): CreateOptions => ({
  image: 'busybox', cmd: ['sleep', '9'], env: ['A=1'], labels: { tier: 'front' }, autoRemove: false, mounts: [], volumesFrom: [], constraints: [],
  ...over,
});

t.test('options as Docker\'s Config and HostConfig mean them become the create request', async (t) => {
  // given options as an API body would fill them (Binds in -v syntax)
  const spec = buildCreateRequest(options({
    name: 'web', workingDir: '/srv', memoryBytes: 64 * 1024 * 1024, tty: true, openStdin: true,
    restartPolicy: { name: 'always', maximumRetryCount: 0 }, mounts: [parseVolumeFlag('data:/data:ro')],
    constraints: [{ key: 'zone', value: 'b' }], entrypoint: [],
  }));
  // then the request carries them, with a fresh id
  t.match(spec, {
    name: 'web', imageRef: 'busybox', cmd: ['sleep', '9'], entrypoint: [], env: ['A=1'], labels: { tier: 'front' }, workingDir: '/srv',
    memoryBytes: 64 * 1024 * 1024, tty: true, openStdin: true, autoRemove: false, restartPolicy: { name: 'always' },
    mounts: [{ type: 'volume', source: 'data', destination: '/data', readOnly: true }], constraints: [{ key: 'zone', value: 'b' }],
  });
  t.match(spec.id, /^[a-f0-9]{64}$/);
  t.equal(buildCreateRequest(options({ id: 'c'.repeat(64) })).id, 'c'.repeat(64), 'an id chosen by the client is kept');
  t.notOk('constraints' in buildCreateRequest(options()), 'no constraints: none recorded');
  t.notOk('entrypoint' in buildCreateRequest(options()), 'no entrypoint: the image\'s');
});

t.test('Docker\'s checks, one clear message each', async (t) => {
  t.throws(() => buildCreateRequest(options({ workingDir: 'srv' })), /the working directory 'srv' is invalid, it needs to be an absolute path/);
  t.throws(() => buildCreateRequest(options({ name: '-web' })), /Invalid container name \(-web\)/);
  t.throws(() => buildCreateRequest(options({ autoRemove: true, restartPolicy: { name: 'always', maximumRetryCount: 0 } })), /Conflicting options: --restart and --rm/);
  t.doesNotThrow(() => buildCreateRequest(options({ autoRemove: true, restartPolicy: { name: 'no', maximumRetryCount: 0 } })), '--rm with policy no is fine');
  t.throws(() => buildCreateRequest(options({ memoryBytes: 1024 * 1024 })), /Minimum memory limit allowed is 6MB/);
  t.throws(() => buildCreateRequest(options({ image: 'Bad Image' })), /invalid reference|repository name/i);
});
