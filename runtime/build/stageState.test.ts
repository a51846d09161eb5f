import t from 'tap';
import { parseDockerfile, type Instruction } from './dockerfile.js';
import { applyInstruction, initialState, type BuildContext, type ConfigBlob, type LayerWork, type StageState } from './stageState.js';

const ctx: BuildContext = { buildArgs: { B: 'given' }, globalArgs: new Map([['G', 'global']]), escape: '\\', now: '2026-01-01T00:00:00Z' };
const base: ConfigBlob = {
  architecture: 'amd64', os: 'linux',
  config: { Env: ['PATH=/bin'], Cmd: ['sh'] },
  rootfs: { type: 'layers', diff_ids: [] }, history: [],
};

function run(lines: string[], from: ConfigBlob | null = base): { state: StageState; works: LayerWork[] } {
  let state = initialState(from);
  const works: LayerWork[] = [];
  for (const instruction of parseDockerfile(['FROM x', ...lines].join('\n')).instructions.slice(1) as Instruction[]) {
    const result = applyInstruction(state, instruction, ctx);
    state = result.state;
    if (result.work) works.push(result.work);
  }
  return { state, works };
}

t.test('ENV, ARG and their expansion; RUN sees the ARGs in its env', async (t) => {
  const { state, works } = run(['ARG A=1', 'ARG B=default', 'ARG G', 'ENV X=$A-${B} Y="two words" Z=${G}', 'RUN echo $X']);
  t.same(state.blob.config.Env, ['PATH=/bin', 'X=1-given', 'Y=two words', 'Z=global']);
  t.match(works[0], { kind: 'run', argv: ['/bin/sh', '-c', 'echo $X'], env: ['PATH=/bin', 'X=1-given', 'Y=two words', 'Z=global', 'A=1', 'B=given', 'G=global'] });
  t.equal(works[0]!.createdBy, 'RUN |3 A=1 B=given G=global /bin/sh -c echo $X');
  t.equal(state.blob.history.length, 4, 'ARG and ENV are empty-layer history entries');
  t.ok(state.blob.history.every((h) => h.empty_layer));
});

t.test('WORKDIR, USER, SHELL, COPY destinations', async (t) => {
  const { state, works } = run(['WORKDIR /app', 'WORKDIR sub', 'USER 1000:1000', 'SHELL ["/bin/ash", "-eo"]', 'RUN true', 'COPY a b ./', 'COPY --chown=${X:-5} f rel']);
  t.equal(state.blob.config.WorkingDir, '/app/sub');
  t.match(works[0], { argv: ['/bin/ash', '-eo', 'true'], workingDir: '/app/sub', user: '1000:1000' });
  t.match(works[1], { kind: 'copy', sources: ['a', 'b'], dest: '/app/sub/' });
  t.match(works[2], { dest: '/app/sub/rel', chown: '5' });
  t.throws(() => run(['COPY a b /nodir']), /must be a directory and end with a \//);
});

t.test('CMD, ENTRYPOINT, and the rest of the config', async (t) => {
  t.same(run(['ENTRYPOINT ["/e"]']).state.blob.config.Cmd, null, 'ENTRYPOINT clears the inherited CMD');
  const { state } = run([
    'CMD ["a"]', 'ENTRYPOINT /e x', 'EXPOSE 80 53/UDP', 'LABEL k=v "x y"=z', 'VOLUME ["/data"]', 'STOPSIGNAL SIGINT',
    'HEALTHCHECK --interval=5s --retries=2 CMD true', 'ONBUILD RUN echo hi',
  ]);
  const c = state.blob.config;
  t.same(c.Cmd, ['a'], 'a CMD of this stage stays');
  t.same(c.Entrypoint, ['/bin/sh', '-c', '/e x']);
  t.same(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  t.same(c.Labels, { k: 'v', 'x y': 'z' });
  t.same(c.Volumes, { '/data': {} });
  t.equal(c.StopSignal, 'SIGINT');
  t.same(c.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Retries: 2 });
  t.same(c.OnBuild, ['RUN echo hi']);
  t.same(initialState(null).blob.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], 'scratch gets the default PATH');
});
