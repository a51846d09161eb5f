import t from 'tap';
import { SystemError } from '../events/errors.js';
import { createLogger, formatLine } from './logger.js';
import { loggerSettings, parseLevel } from './settings.js';

const time = new Date('2026-12-02T19:25:48.123Z');

t.test('given an event with fields, then it is one logfmt line with the time first', async (t) => {
  const line = formatLine('info', 'ready', { host: 'h1', events: 12, cgroup: 'v1' }, { journal: false, time });
  t.equal(line, 'time=2026-12-02T19:25:48.123Z level=info msg="ready" host=h1 events=12 cgroup=v1\n');
});

t.test('given values with spaces, quotes, = or newlines, then they are quoted and stay on one line', async (t) => {
  const line = formatLine('warn', 'a "quoted"\nmessage', { reason: 'no space left', empty: '', eq: 'a=b', multi: 'one\ntwo', skipped: undefined }, { journal: false, time });
  t.equal(line, 'time=2026-12-02T19:25:48.123Z level=warn msg="a \\"quoted\\"\\nmessage" reason="no space left" empty="" eq="a=b" multi="one\\ntwo"\n');
  t.equal(line.split('\n').length, 2, 'one line');
});

t.test('given an error field, then its message, operation, path and errno name are written', async (t) => {
  const error = new SystemError('cgroup /sys/fs/cgroup/pids/berth/x: still busy', { op: 'rmdir', path: '/sys/fs/cgroup/pids/berth/x', errno: 16 });
  const line = formatLine('warn', 'removal failed', { container: 'abc', error }, { journal: false, time });
  t.equal(line, 'time=2026-12-02T19:25:48.123Z level=warn msg="removal failed" container=abc error="cgroup /sys/fs/cgroup/pids/berth/x: still busy" op=rmdir path=/sys/fs/cgroup/pids/berth/x errno=EBUSY\n');
});

t.test('given the journal as stderr, then a line has the syslog priority and no time', async (t) => {
  const priorities = (['error', 'warn', 'info', 'debug'] as const).map((level) => formatLine(level, 'm', {}, { journal: true, time }));
  t.same(priorities, ['<3>level=error msg="m"\n', '<4>level=warn msg="m"\n', '<6>level=info msg="m"\n', '<7>level=debug msg="m"\n']);
});

t.test('given a level, then the lines below it are not written', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'warn', write: (line) => lines.push(line), now: () => time });
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  t.same(lines.map((l) => /level=(\w+)/.exec(l)![1]), ['warn', 'error']);
  t.notOk(log.enabled('info'));
  t.ok(log.enabled('error'));
});

t.test('given bound fields, then every line carries them', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line), now: () => time }).with({ host: 'h1' });
  log.info('one', { n: 1 });
  t.equal(lines[0], 'time=2026-12-02T19:25:48.123Z level=info msg="one" host=h1 n=1\n');
});

t.test('the level comes from --log-level, then BERTH_LOG_LEVEL, then BERTH_DEBUG, else info', async (t) => {
  t.equal(loggerSettings({}).level, 'info');
  t.equal(loggerSettings({ BERTH_DEBUG: '1' }).level, 'debug', 'BERTH_DEBUG=1 is debug');
  t.equal(loggerSettings({ BERTH_DEBUG: '0' }).level, 'info');
  t.equal(loggerSettings({ BERTH_DEBUG: '1', BERTH_LOG_LEVEL: 'warn' }).level, 'warn');
  t.equal(loggerSettings({ BERTH_LOG_LEVEL: 'warn' }, 'error').level, 'error', 'the flag wins');
  t.equal(loggerSettings({ JOURNAL_STREAM: '8:1234' }).journal, true);
  t.equal(parseLevel('WARNING', '--log-level'), 'warn');
  t.throws(() => parseLevel('loud', '--log-level'), { name: 'ValidationError', message: 'invalid --log-level "loud": use error, warn, info, debug' });
});
