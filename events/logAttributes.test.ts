import t from 'tap';
import { journalFieldName, logAttributes } from './logAttributes.js';

const labels = { team: 'core', tier: 'web', 'com.example.app': 'shop' };
const env = ['PATH=/bin', 'REGION=eu=1', 'REGION_ZONE=a', 'EMPTY=', 'BARE'];

t.test('labels= and env= name them; absent ones are left out; keys sorted', async (t) => {
  t.same(logAttributes({ labels: ['tier', 'team', 'absent'], env: ['REGION', 'NOPE', 'EMPTY', 'BARE'] }, labels, env), { EMPTY: '', REGION: 'eu=1', team: 'core', tier: 'web' });
  t.same(Object.keys(logAttributes({ labels: ['tier', 'team'] }, labels, env)), ['team', 'tier']);
  t.same(logAttributes(undefined, labels, env), {}, 'no option: none');
  t.same(logAttributes({ labels: ['team'] }, {}, []), {});
});

t.test('labels-regex= and env-regex= match names anywhere, as Go\'s MatchString', async (t) => {
  t.same(logAttributes({ labelsRegex: '^t' }, labels, env), { team: 'core', tier: 'web' });
  t.same(logAttributes({ labelsRegex: 'example' }, labels, env), { 'com.example.app': 'shop' });
  t.same(logAttributes({ envRegex: 'REGION' }, labels, env), { REGION: 'eu=1', REGION_ZONE: 'a' });
  t.same(logAttributes({ labels: ['team'], labelsRegex: 'tier', env: ['PATH'], envRegex: '^$' }, labels, env), { PATH: '/bin', team: 'core', tier: 'web' });
  t.same(logAttributes({ labelsRegex: '' }, labels, env), {}, 'an empty pattern is no option');
});

t.test('an env variable wins over a label of the same name, as in dockerd', async (t) => {
  t.same(logAttributes({ labels: ['REGION'], env: ['REGION'] }, { REGION: 'label' }, ['REGION=env']), { REGION: 'env' });
});

t.test('journald\'s field names: upper case, others underscores, none leading', async (t) => {
  t.equal(journalFieldName('com.example.app'), 'COM_EXAMPLE_APP');
  t.equal(journalFieldName('_private-key'), 'PRIVATE_KEY');
  t.equal(journalFieldName('..a'), 'A');
  t.equal(journalFieldName('Région9'), 'R_GION9');
  t.equal(journalFieldName('__'), '');
  t.same(logAttributes({ labels: ['com.example.app'] }, labels, env, journalFieldName), { COM_EXAMPLE_APP: 'shop' });
});
