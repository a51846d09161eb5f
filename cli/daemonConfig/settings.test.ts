import t from 'tap';
import { DaemonFile, describeProblem } from './schema.js';
import { defaultLogConfig, mergeSettings, notReloadable } from './settings.js';

const file = (json: unknown) => DaemonFile.parse(json);
const problem = (json: unknown) => {
  const parsed = DaemonFile.safeParse(json);
  return parsed.success ? null : describeProblem(parsed.error);
};

t.test('a flag wins over the environment, which wins over the file', async (t) => {
  const f = file({ 'data-root': '/srv/berth', 'host-id': 'fromfile', bridge: 'br-file', labels: ['zone=a'] });
  const { settings, sources } = mergeSettings({ hostId: 'fromflag' }, { BERTH_BRIDGE: 'none' }, f);
  t.equal(settings['host-id'], 'fromflag');
  t.equal(sources['host-id'], 'flag');
  t.equal(settings.bridge, 'none');
  t.equal(sources.bridge, 'env');
  t.equal(settings['data-root'], '/srv/berth');
  t.equal(sources['data-root'], 'file');
  t.same(settings.labels, { zone: 'a' });
  t.equal(sources.labels, 'file');
  t.equal(settings['exec-root'], undefined);
  t.equal(sources['exec-root'], 'default');
});

t.test('an empty flag list or an empty variable counts as not given', async (t) => {
  const { settings, sources } = mergeSettings({ label: [], logOpt: [] }, { BERTH_ROOT: '' }, file({ 'data-root': '/d', labels: ['a=1'], 'log-opts': { 'max-size': '1k' } }));
  t.same(settings.labels, { a: '1' });
  t.equal(sources['data-root'], 'file');
  t.same(settings['log-opts'], { maxSizeBytes: 1000 });
  t.equal(sources['log-opts'], 'file');
});

t.test('labels and log options from flags replace the file\'s whole', async (t) => {
  const { settings, sources } = mergeSettings({ label: ['zone=b'], logOpt: ['max-file=2'] }, {}, file({ labels: ['zone=a', 'disk=ssd'], 'log-opts': { 'max-size': '1k' } }));
  t.same(settings.labels, { zone: 'b' });
  t.same(settings['log-opts'], { maxFiles: 2 });
  t.equal(sources.labels, 'flag');
  t.equal(sources['log-opts'], 'flag');
});

t.test('the default log driver: a flag wins over the file, and its options are checked against it', async (t) => {
  const { settings, sources } = mergeSettings({ logDriver: 'local', logOpt: ['compress=false'] }, {}, file({ 'log-driver': 'json-file' }));
  t.equal(settings['log-driver'], 'local');
  t.equal(sources['log-driver'], 'flag');
  t.same(settings['log-opts'], { compress: false });
  t.same(defaultLogConfig(settings), { driver: 'local', compress: false });
  t.same(defaultLogConfig(mergeSettings({}, {}, file({})).settings), undefined, 'nothing set: json-file, decided per container');
  t.same(defaultLogConfig(mergeSettings({}, {}, file({ 'log-driver': 'none' })).settings), { driver: 'none' });
  t.throws(() => mergeSettings({ logDriver: 'none' }, {}, file({ 'log-opts': { 'max-size': '1k' } })), /unknown log opt 'max-size' for none log driver/);
  t.throws(() => mergeSettings({ logDriver: 'gelf' }, {}, file({})), /no log driver named 'gelf'/);
});

t.test('snapshots: --no-snapshots, BERTH_SNAPSHOTS=0, then the file, then on', async (t) => {
  t.equal(mergeSettings({ snapshots: true }, {}, file({ snapshots: false })).settings.snapshots, false, 'commander\'s default true is not a flag given');
  t.equal(mergeSettings({ snapshots: false }, {}, file({ snapshots: true })).sources.snapshots, 'flag');
  t.equal(mergeSettings({}, { BERTH_SNAPSHOTS: '0' }, file({})).sources.snapshots, 'env');
  t.equal(mergeSettings({}, {}, file({})).settings.snapshots, true);
});

t.test('the log level: BERTH_DEBUG counts as the environment\'s debug', async (t) => {
  t.equal(mergeSettings({}, { BERTH_DEBUG: '1' }, file({ 'log-level': 'warn' })).settings['log-level'], 'debug');
  t.equal(mergeSettings({}, { BERTH_DEBUG: '0' }, file({ 'log-level': 'warn' })).settings['log-level'], 'warn');
});

t.test('userns-remap: Docker\'s key in the file, --userns-remap wins', async (t) => {
  t.equal(mergeSettings({}, {}, file({ 'userns-remap': 'default' })).settings['userns-remap'], 'default');
  const { settings, sources } = mergeSettings({ usernsRemap: 'alice:staff' }, {}, file({ 'userns-remap': 'default' }));
  t.equal(settings['userns-remap'], 'alice:staff');
  t.equal(sources['userns-remap'], 'flag');
  t.equal(mergeSettings({}, {}, file({})).sources['userns-remap'], 'default');
  t.match(problem({ 'userns-remap': 'a:b:c' }), /^invalid value for "userns-remap": use default, USER or USER:GROUP$/);
});

t.test('the file is strict: one line naming the key', async (t) => {
  t.equal(problem({ 'data-root': '/d', debug: true, 'storage-driver': 'x' }), 'the following directives don\'t match any configuration option: debug, storage-driver');
  t.match(problem({ 'log-level': 'loud' }), /^invalid value for "log-level": /);
  t.match(problem({ 'data-root': 'relative/dir' }), /^invalid value for "data-root": want an absolute path$/);
  t.match(problem({ 'host-id': 'a.b' }), /^invalid value for "host-id": use letters/);
  t.match(problem({ labels: ['novalue'] }), /^invalid value for "labels.0": invalid label "novalue"/);
  t.match(problem({ 'log-opts': { 'max-size': 'huge' } }), /^invalid value for "log-opts": invalid size/);
  t.match(problem({ 'log-opts': { path: '/x' } }), /^invalid value for "log-opts": unknown log opt 'path' for json-file log driver$/);
  t.equal(problem({ 'log-driver': 'local', 'log-opts': { compress: 'false', 'max-file': '3' } }), null, 'the options are the file\'s driver\'s');
  t.match(problem({ 'log-driver': 'none', 'log-opts': { 'max-size': '1m' } }), /^invalid value for "log-opts": unknown log opt 'max-size' for none log driver$/);
  t.match(problem({ 'log-driver': 'syslog' }), /^invalid value for "log-driver": logger: no log driver named 'syslog' is registered$/);
  t.match(problem({ 'metrics-addr': '9323' }), /^invalid value for "metrics-addr": use HOST:PORT$/);
  t.match(problem({ retention: 'forever' }), /^invalid value for "retention": invalid value "forever"/);
  t.match(problem({ snapshots: 'yes' }), /^invalid value for "snapshots": /);
  t.match(problem([]), /^invalid value for "\(the file\)": /);
  t.equal(problem({ 'metrics-addr': '127.0.0.1:9323', 'log-driver': 'json-file', nats: 'nats://10.0.0.1:4222', retention: '24h' }), null);
});

t.test('a reload tells the settings it cannot change live', async (t) => {
  const before = mergeSettings({}, {}, file({ 'data-root': '/a', labels: ['x=1'] })).settings;
  const after = mergeSettings({}, {}, file({ 'data-root': '/b', labels: ['x=2'], 'log-opts': { 'max-file': '3' } })).settings;
  t.same(notReloadable(before, after), ['data-root']);
  t.same(notReloadable(before, before), []);
});

t.test('host-lost: from the flag or the file, checked as a duration in range', async (t) => {
  t.equal(mergeSettings({}, {}, file({ 'host-lost': '4s' })).settings['host-lost'], '4s');
  const { settings, sources } = mergeSettings({ hostLost: '5s' }, {}, file({ 'host-lost': '4s' }));
  t.equal(settings['host-lost'], '5s');
  t.equal(sources['host-lost'], 'flag');
  t.equal(mergeSettings({}, {}, file({})).sources['host-lost'], 'default');
  t.match(problem({ 'host-lost': '1s' }), /^invalid value for "host-lost": invalid value "1s" for host-lost: invalid lost threshold 1000 ms/);
  t.match(problem({ 'host-lost': 'soon' }), /^invalid value for "host-lost": .*use a duration like 6s/);
});
