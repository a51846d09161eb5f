import t from 'tap';
import { applyChanges, parseChange } from './configChanges.js';
import { shellWords } from '../../events/shellWords.js';

t.test('CMD and ENTRYPOINT: exec form or shell form', async (t) => {
  t.same(parseChange('CMD ["echo", "hi there"]'), { instruction: 'CMD', argv: ['echo', 'hi there'] });
  t.same(parseChange('CMD echo "hi"  there'), { instruction: 'CMD', argv: ['/bin/sh', '-c', 'echo "hi"  there'] });
  t.same(parseChange('entrypoint ["/entry"]'), { instruction: 'ENTRYPOINT', argv: ['/entry'] }, 'instructions in any case');
  t.same(parseChange('CMD [not json'), { instruction: 'CMD', argv: ['/bin/sh', '-c', '[not json'] }, 'a broken array is shell form, as Docker');
  t.same(parseChange('CMD [1, 2]').instruction === 'CMD' && (parseChange('CMD [1, 2]') as { argv: string[] }).argv, ['/bin/sh', '-c', '[1, 2]']);
});

t.test('ENV and LABEL: pairs with quotes, and the old KEY VALUE form', async (t) => {
  t.same(parseChange('ENV A=1 B="two words" C=\'x y\' D=a\\ b E='), { instruction: 'ENV', pairs: [['A', '1'], ['B', 'two words'], ['C', 'x y'], ['D', 'a b'], ['E', '']] });
  t.same(parseChange('ENV GREETING hello world'), { instruction: 'ENV', pairs: [['GREETING', 'hello world']] });
  t.same(parseChange('LABEL com.example.v="1.0" team=core'), { instruction: 'LABEL', pairs: [['com.example.v', '1.0'], ['team', 'core']] });
  t.throws(() => parseChange('ENV A=1 B'), /invalid --change "ENV A=1 B": B: ENV takes KEY=VALUE pairs/);
  t.throws(() => parseChange('ENV =x'), /ENV names can not be blank/);
  t.throws(() => parseChange('ENV A="open'), /unterminated " quote/);
  t.throws(() => parseChange('ENV ONLYKEY'), /ENV needs a value/);
});

t.test('EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL', async (t) => {
  t.same(parseChange('EXPOSE 80 53/udp 8000-8002'), { instruction: 'EXPOSE', ports: ['80/tcp', '53/udp', '8000/tcp', '8001/tcp', '8002/tcp'] });
  t.throws(() => parseChange('EXPOSE http'), /invalid port http/);
  t.throws(() => parseChange('EXPOSE 70000'), /invalid port 70000/);
  t.same(parseChange('VOLUME ["/data", "/logs"]'), { instruction: 'VOLUME', paths: ['/data', '/logs'] });
  t.same(parseChange('VOLUME /a /b'), { instruction: 'VOLUME', paths: ['/a', '/b'] });
  t.same(parseChange('USER 1000:1000'), { instruction: 'USER', value: '1000:1000' });
  t.throws(() => parseChange('USER a b'), /USER takes one value/);
  t.same(parseChange('WORKDIR /srv/my app'), { instruction: 'WORKDIR', value: '/srv/my app' });
  t.same(parseChange('STOPSIGNAL SIGQUIT'), { instruction: 'STOPSIGNAL', value: 'SIGQUIT' });
});

t.test('HEALTHCHECK: flags, then CMD (exec or shell form) or NONE, as Docker\'s builder reads it', async (t) => {
  t.same(parseChange('HEALTHCHECK --interval=5s --timeout=1s --start-period=1m --retries=3 CMD curl -f http://localhost/'), {
    instruction: 'HEALTHCHECK',
    healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 5e9, Timeout: 1e9, StartPeriod: 60e9, Retries: 3 },
  });
  t.same(parseChange('healthcheck CMD ["pg_isready", "-q"]'), { instruction: 'HEALTHCHECK', healthcheck: { Test: ['CMD', 'pg_isready', '-q'] } });
  t.same(parseChange('HEALTHCHECK NONE'), { instruction: 'HEALTHCHECK', healthcheck: { Test: ['NONE'] } });
  t.throws(() => parseChange('HEALTHCHECK curl x'), /^invalid --change "HEALTHCHECK curl x": HEALTHCHECK takes CMD followed by a command, or NONE$/);
  t.throws(() => parseChange('HEALTHCHECK CMD'), /HEALTHCHECK takes CMD/);
  t.throws(() => parseChange('HEALTHCHECK --interval=soon CMD true'), /^invalid --change "[^"]+": invalid value for --interval: time: invalid duration "soon"$/);
  t.throws(() => parseChange('HEALTHCHECK --retries=-1 CMD true'), /invalid value for --retries/);
  t.throws(() => parseChange('HEALTHCHECK --every=1s CMD true'), /unknown flag: --every/);
  t.same(applyChanges({ Healthcheck: { Test: ['CMD', 'old'], Retries: 9 } }, [parseChange('HEALTHCHECK CMD new')]).Healthcheck, { Test: ['CMD-SHELL', 'new'] },
    'a HEALTHCHECK replaces the whole check, as in a Dockerfile');
});

t.test('bad changes are one clear line', async (t) => {
  t.throws(() => parseChange('FROM busybox'), /^invalid --change "FROM busybox": FROM is not a valid change command \(use CMD, ENTRYPOINT/);
  t.throws(() => parseChange('RUN echo'), /RUN is not a valid change command/);
  t.throws(() => parseChange('CMD'), /CMD needs an argument/);
  t.throws(() => parseChange('   '), /empty change/);
  for (const bad of ['FROM x', 'CMD', 'EXPOSE x', 'ENV A="b']) {
    let message = '';
    try { parseChange(bad); } catch (error) { message = (error as Error).message; }
    t.match(message, /^invalid --change [^\n]+$/, `${bad}: one line`);
  }
});

t.test('shellWords', async (t) => {
  t.same(shellWords('  a "b c"  d\'e f\'g h\\ i ""'), ['a', 'b c', 'de fg', 'h i', '']);
  t.same(shellWords('"a \\"q\\" \\\\ \\n"'), ['a "q" \\ \\n'], 'in double quotes only \\" and \\\\ are escapes');
});

t.test('applying changes in order', async (t) => {
  const base = { Env: ['PATH=/bin', 'A=old'], Cmd: ['sh'], Entrypoint: null, WorkingDir: '/srv', Labels: { keep: '1' }, Other: 'kept' };
  const next = applyChanges(base, [
    parseChange('ENV A=new B=2'), parseChange('LABEL x=y'), parseChange('EXPOSE 80'), parseChange('VOLUME /data'),
    parseChange('WORKDIR sub'), parseChange('USER nobody'), parseChange('STOPSIGNAL SIGINT'),
  ]);
  t.same(next, {
    Env: ['PATH=/bin', 'A=new', 'B=2'], Cmd: ['sh'], Entrypoint: null, WorkingDir: '/srv/sub', Labels: { keep: '1', x: 'y' }, Other: 'kept',
    ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, User: 'nobody', StopSignal: 'SIGINT',
  });
  t.same(base.Env, ['PATH=/bin', 'A=old'], 'the input is not changed');
  t.equal(applyChanges(base, [parseChange('WORKDIR /abs')]).WorkingDir, '/abs');
  t.equal(applyChanges({}, [parseChange('WORKDIR rel')]).WorkingDir, '/rel');
  // Docker's rule: an ENTRYPOINT resets an inherited CMD, not one set by an earlier change.
  t.same(applyChanges(base, [parseChange('ENTRYPOINT ["/e"]')]), { ...base, Entrypoint: ['/e'], Cmd: null });
  t.same(applyChanges(base, [parseChange('CMD ["x"]'), parseChange('ENTRYPOINT ["/e"]')]).Cmd, ['x']);
  t.same(applyChanges(base, [parseChange('ENTRYPOINT ["/e"]'), parseChange('CMD ["x"]')]).Cmd, ['x']);
});
