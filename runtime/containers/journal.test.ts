import t from 'tap';
import { checkJournal, journalFields, journalSocket } from './journal.js';

t.test('Docker\'s fields, the tag defaulting to the short id', async (t) => {
  const id = 'a'.repeat(12) + 'b'.repeat(52);
  t.same(journalFields(id, { name: 'web', imageRef: 'busybox:latest', image: 'd'.repeat(64), cmd: ['true'], logConfig: { driver: 'journald' }, labels: {} }, []), [
    'CONTAINER_ID=aaaaaaaaaaaa', `CONTAINER_ID_FULL=${id}`, 'CONTAINER_NAME=web', 'CONTAINER_TAG=aaaaaaaaaaaa', 'SYSLOG_IDENTIFIER=aaaaaaaaaaaa', 'IMAGE_NAME=busybox:latest',
  ]);
  t.match(journalFields(id, { name: 'web', imageRef: 'busybox', image: 'd'.repeat(64), cmd: ['true'], logConfig: { driver: 'journald', tag: 'front\nend' }, labels: {} }, []), ['CONTAINER_ID=aaaaaaaaaaaa', String, String, 'CONTAINER_TAG=front end', 'SYSLOG_IDENTIFIER=front end']);
  t.match(journalFields(id, { name: 'web', imageRef: 'busybox', image: 'd'.repeat(64), cmd: ['true'], logConfig: { driver: 'journald', tag: '{{.Name}}/{{.ID}}' }, labels: {} }, []), [String, String, String, 'CONTAINER_TAG=web/aaaaaaaaaaaa', 'SYSLOG_IDENTIFIER=web/aaaaaaaaaaaa'], 'a template');
});

t.test('the labels/env options\' attributes as fields, under journald\'s names', async (t) => {
  const id = 'c'.repeat(64);
  const fields = journalFields(id, { name: 'web', imageRef: 'busybox', image: 'd'.repeat(64), cmd: ['true'], logConfig: { driver: 'journald', labels: ['com.example.team'], envRegex: '^REGION$' }, labels: { 'com.example.team': 'core\nops' } }, ['REGION=eu', 'OTHER=x']);
  t.same(fields.slice(6), ['COM_EXAMPLE_TEAM=core ops', 'REGION=eu']);
  t.same(journalFields(id, { name: 'web', imageRef: 'busybox', image: 'd'.repeat(64), cmd: ['true'], logConfig: { driver: 'journald', labels: ['__'] }, labels: { __: 'x' } }, []).length, 6, 'a name with nothing left is not sent');
});

t.test('the socket: journald\'s, or the one the environment names; refused where none listens', async (t) => {
  t.equal(journalSocket({}), '/run/systemd/journal/socket');
  t.equal(journalSocket({ BERTH_JOURNAL_SOCKET: '/tmp/j.sock' }), '/tmp/j.sock');
  t.throws(() => checkJournal('/nonexistent/journal.sock'), /^failed to initialize logging driver: journald is not enabled on this host \(no socket at \/nonexistent\/journal.sock\)$/);
  t.throws(() => checkJournal('/etc/hostname'), /journald is not enabled/, 'a file that is not a socket');
});
