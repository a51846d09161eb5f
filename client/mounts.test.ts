import t from 'tap';
import { parseMountFlag, parseMountFlags, parseTmpfsFlag, parseVolumeFlag, parseVolumesFrom, splitCsv, validMountMode } from './mounts.js';

t.test('-v forms', async (t) => {
  t.same(parseVolumeFlag('data:/srv/data'), { type: 'volume', source: 'data', destination: '/srv/data', readOnly: false, anonymous: false, noCopy: undefined });
  t.same(parseVolumeFlag('data:/srv/data/:ro'), { type: 'volume', source: 'data', destination: '/srv/data', readOnly: true, anonymous: false, noCopy: undefined });
  t.same(parseVolumeFlag('data:/d:nocopy,rw'), { type: 'volume', source: 'data', destination: '/d', readOnly: false, anonymous: false, noCopy: true });
  t.same(parseVolumeFlag('/var/cache'), { type: 'volume', source: '', destination: '/var/cache', readOnly: false, anonymous: true, noCopy: undefined });
  t.same(parseVolumeFlag('/host/dir:/in:ro,rslave'), {
    type: 'bind', source: '/host/dir', destination: '/in', readOnly: true, propagation: 'rslave', createSource: true,
  });
  t.same(parseVolumeFlag('/host//dir/../x:/in'), {
    type: 'bind', source: '/host/x', destination: '/in', readOnly: false, propagation: undefined, createSource: true,
  });
  t.equal(parseVolumeFlag('./sub:/in', '/work').source, '/work/sub', './ is made absolute as Docker\'s CLI does');
  t.equal(parseVolumeFlag('.:/in', '/work').source, '/work');
  t.throws(() => parseVolumeFlag('a:/in'), { message: /create a: "a" includes invalid characters/ }, 'one character is not a volume name');
});

t.test('-v errors are Docker\'s', async (t) => {
  const cases: Array<[string, string]> = [
    ['', "invalid volume specification: ''"],
    [':/x', "invalid volume specification: ':/x'"],
    ['a:/b:ro:x', "invalid volume specification: 'a:/b:ro:x'"],
    ['/foo:rw', "invalid volume specification: '/foo:rw'"],
    ['data:/x:bogus', 'invalid mode: bogus'],
    ['data:/x:ro,rw', 'invalid mode: ro,rw'],
    ['data:rel', `invalid volume specification: 'data:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`],
    ['rel', `invalid volume specification: 'rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`],
    ['/h:rel', `invalid volume specification: '/h:rel': invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
    ['data:/', `invalid volume specification: 'data:/': invalid mount config for type "volume": invalid specification: destination can't be '/'`],
    ['/x:ro', "invalid volume specification: '/x:ro'"],
    ['data:/x:rshared', `invalid volume specification: 'data:/x:rshared': invalid mount config for type "volume": field BindOptions must not be specified`],
    ['/h:/x:nocopy', `invalid volume specification: '/h:/x:nocopy': invalid mount config for type "bind": field VolumeOptions must not be specified`],
    ['foo/bar:/x', 'create foo/bar: "foo/bar" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
  ];
  for (const [raw, message] of cases) t.throws(() => parseVolumeFlag(raw), { name: 'ValidationError', message }, raw);
});

t.test('mount modes', async (t) => {
  t.ok(validMountMode(''));
  t.ok(validMountMode('ro,z,rprivate,nocopy,cached'));
  t.notOk(validMountMode('ro,rw'));
  t.notOk(validMountMode('shared,slave'));
  t.notOk(validMountMode('rox'));
});

t.test('--mount forms', async (t) => {
  t.same(parseMountFlag('type=volume,src=v1,dst=/data,volume-nocopy'), { type: 'volume', source: 'v1', destination: '/data', readOnly: false, anonymous: false, noCopy: true });
  t.same(parseMountFlag('target=/data'), { type: 'volume', source: '', destination: '/data', readOnly: false, anonymous: true, noCopy: undefined });
  t.same(parseMountFlag('type=bind,source=/h,destination=/in,readonly,bind-propagation=rshared'), {
    type: 'bind', source: '/h', destination: '/in', readOnly: true, propagation: 'rshared',
  });
  t.same(parseMountFlag('type=bind,src=/h,dst=/in,ro=false'), { type: 'bind', source: '/h', destination: '/in', readOnly: false, propagation: undefined });
  t.same(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770'), {
    type: 'tmpfs', source: '', destination: '/t', readOnly: false, tmpfsSize: 64 * 1024 * 1024, tmpfsMode: 0o1770,
  });
  t.same(parseMountFlag('"type=bind","src=/a,b",dst=/x').source, '/a,b', 'CSV quoting');
  t.same(splitCsv('a,"b,c",d'), ['a', 'b,c', 'd']);
  t.equal(parseMountFlag('type=BIND,src=./x,dst=/x', '/w').source, '/w/x');
});

t.test('--mount errors are Docker\'s', async (t) => {
  const flag = (raw: string, message: string) => `invalid argument "${raw}" for "--mount" flag: ${message}`;
  const cases: Array<[string, string]> = [
    ['type=bind,src=/h,dst=/x,foo=bar', flag('type=bind,src=/h,dst=/x,foo=bar', "unexpected key 'foo' in 'foo=bar'")],
    ['type=bind,src=/h,dst=/x,bogus', flag('type=bind,src=/h,dst=/x,bogus', "invalid field 'bogus' must be a key=value pair")],
    ['type=bind,src=/h', flag('type=bind,src=/h', 'target is required')],
    ['type=,dst=/x', flag('type=,dst=/x', 'type is required')],
    ['type=volume,dst=/x,readonly=maybe', flag('type=volume,dst=/x,readonly=maybe', 'invalid value for readonly: maybe')],
    ['type=tmpfs,dst=/x,tmpfs-size=lots', flag('type=tmpfs,dst=/x,tmpfs-size=lots', 'invalid value for tmpfs-size: lots')],
    ['type=tmpfs,dst=/x,tmpfs-mode=999', flag('type=tmpfs,dst=/x,tmpfs-mode=999', 'invalid value for tmpfs-mode: 999')],
    ['type=bind,src=/h,dst=/x,volume-nocopy', flag('type=bind,src=/h,dst=/x,volume-nocopy', "cannot mix 'volume-*' options with mount type 'bind'")],
    ['type=volume,dst=/x,bind-propagation=shared', flag('type=volume,dst=/x,bind-propagation=shared', "cannot mix 'bind-*' options with mount type 'volume'")],
    ['type=bind,src=/h,dst=/x,tmpfs-size=1m', flag('type=bind,src=/h,dst=/x,tmpfs-size=1m', "cannot mix 'tmpfs-*' options with mount type 'bind'")],
    ['type=nfs,dst=/x', 'invalid mount config for type "nfs": mount type unknown'],
    ['type=bind,dst=/x', 'invalid mount config for type "bind": field Source must not be empty'],
    ['type=bind,src=rel,dst=/x', `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
    ['type=bind,src=/h,dst=rel', `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
    ['type=bind,src=/h,dst=/x,bind-propagation=sideways', 'invalid mount config for type "bind": invalid propagation mode: sideways'],
    ['type=tmpfs,src=x,dst=/x', 'invalid mount config for type "tmpfs": field Source must not be specified'],
    ['type=volume,dst=/x,ro', 'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes'],
    ['type=volume,dst=/', `invalid mount config for type "volume": invalid specification: destination can't be '/'`],
  ];
  for (const [raw, message] of cases) t.throws(() => parseMountFlag(raw), { name: 'ValidationError', message }, raw);
});

t.test('--tmpfs', async (t) => {
  t.same(parseTmpfsFlag('/run'), { type: 'tmpfs', source: '', destination: '/run', readOnly: false, tmpfsFlags: ['noexec', 'nosuid', 'nodev'] });
  t.same(parseTmpfsFlag('/t:size=1m,mode=700,exec'), {
    type: 'tmpfs', source: '', destination: '/t', readOnly: false, tmpfsFlags: ['nosuid', 'nodev', 'exec'], tmpfsSize: 1024 * 1024, tmpfsMode: 0o700,
  });
  t.throws(() => parseTmpfsFlag('rel'), { message: `invalid mount config for type "tmpfs": invalid mount path: 'rel' mount path must be absolute` });
  t.throws(() => parseTmpfsFlag('/t:bogus'), { message: 'invalid tmpfs option "bogus" for /t' });
  t.throws(() => parseTmpfsFlag('/t:size=huge'), { message: 'invalid tmpfs option "size=huge" for /t: invalid size' });
  t.throws(() => parseTmpfsFlag('/t:mode=9'), { message: 'invalid tmpfs option "mode=9" for /t: invalid mode' });
});

t.test('--volumes-from', async (t) => {
  t.same(parseVolumesFrom('web'), { container: 'web', mode: '' });
  t.same(parseVolumesFrom('web:rw'), { container: 'web', mode: 'rw' });
  t.same(parseVolumesFrom('web:ro'), { container: 'web', mode: 'ro' });
  t.throws(() => parseVolumesFrom(''), { message: 'volumes-from specification cannot be an empty string' });
  t.throws(() => parseVolumesFrom('web:rshared'), { message: 'invalid mode: rshared' });
  t.throws(() => parseVolumesFrom('web:nocopy'), { message: 'invalid mode: nocopy' });
  t.throws(() => parseVolumesFrom('web:bogus'), { message: 'invalid mode: bogus' });
});

t.test('all flags together refuse a destination twice', async (t) => {
  t.equal(parseMountFlags({ volume: ['aa:/a'], mount: ['dst=/b'], tmpfs: ['/c'] }).length, 3);
  t.throws(() => parseMountFlags({ volume: ['aa:/x'], tmpfs: ['/x/'] }), { message: 'Duplicate mount point: /x' });
});
