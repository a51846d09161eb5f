import t from 'tap';
import { planBuild } from './plan.js';
import { parseDockerfile } from './dockerfile.js';
import { expandWord, splitWords } from './shellLex.js';

const scope = new Map([['A', 'one'], ['E', '']]);

t.test('expansion as BuildKit: $V, ${V}, modifiers, quotes and escapes', async (t) => {
  t.equal(expandWord('$A-${A}x', scope), 'one-onex');
  t.equal(expandWord('${B:-dflt} ${E:-empty} ${E-unset}', scope), 'dflt empty ');
  t.equal(expandWord('${A:+yes}${B:+no}${E+set}', scope), 'yesset');
  t.equal(expandWord("'$A' \"$A\" \\$A", scope), '$A one $A');
  t.equal(expandWord('"a\\"b" c\\ d', scope), 'a"b c d');
  t.equal(expandWord('`$A', scope, '`'), '$A', 'the escape directive changes the escape character');
  t.equal(expandWord('$', scope), '$');
  t.throws(() => expandWord('${B:?needs B}', scope), /B: needs B/);
  t.throws(() => expandWord('${A', scope), /missing '}'/);
  t.same(splitWords('a "b c" d\\ e'), ['a', '"b c"', 'd\\ e']);
});

t.test('the parser wraps dockerfile-ast into typed instructions', async (t) => {
  const { instructions } = parseDockerfile('FROM busybox AS Base\nRUN echo "hi" \\\n  there\nCMD ["sh", "-c", "echo x y"]\nCOPY --chown=1:2 a b /d/\nENV K V W\nHEALTHCHECK --interval=5s CMD true\n');
  t.match(instructions[0], { keyword: 'FROM', image: 'busybox', stageName: 'base', line: 1 });
  t.match(instructions[1], { keyword: 'RUN', form: 'shell', line: 2 });
  t.match((instructions[1] as { command: string }).command, /^echo "hi"\s+there$/);
  t.match(instructions[2], { keyword: 'CMD', form: 'exec', argv: ['sh', '-c', 'echo x y'] });
  t.match(instructions[3], { keyword: 'COPY', sources: ['a', 'b'], dest: '/d/', flags: { chown: '1:2' }, text: 'COPY --chown=1:2 a b /d/' });
  t.match(instructions[4], { keyword: 'ENV', pairs: [['K', 'V W']] });
  t.match(instructions[5], { keyword: 'HEALTHCHECK', flags: { interval: '5s' }, command: { form: 'shell', command: 'true' } });
});

t.test('errors are BuildKit\'s, one line', async (t) => {
  t.throws(() => planBuild('FROM busybox\nFOO bar\n', { buildArgs: {} }), /^dockerfile parse error on line 2: unknown instruction: FOO$/);
  t.throws(() => planBuild('RUN true\n', { buildArgs: {} }), /dockerfile parse error on line 1: no build stage in current context/);
  t.throws(() => planBuild('ARG A=1\n', { buildArgs: {} }), /dockerfile contains no stages to build/);
  t.throws(() => planBuild('\n# only a comment\n', { buildArgs: {} }), /the Dockerfile cannot be empty|no stages/);
  t.throws(() => planBuild('FROM a AS x\nFROM b AS x\n', { buildArgs: {} }), /duplicate stage name "x"/);
  t.throws(() => planBuild('FROM a AS x\n', { buildArgs: {}, target: 'y' }), /target stage "y" could not be found/);
  t.throws(() => planBuild('FROM a AS x\nCOPY --from=x /a /b\n', { buildArgs: {} }), /circular dependency detected on stage: x/);
  t.throws(() => planBuild('FROM a\nCOPY --from=1 /a /b\nFROM b\n', { buildArgs: {} }), /refers to current or future build stage/);
  t.throws(() => planBuild('FROM a AS 1x\n', { buildArgs: {} }), /invalid name for build stage/);
  t.throws(() => planBuild('FROM a\nCOPY onlyone\n', { buildArgs: {} }), /line 2: COPY requires at least two arguments/);
});

t.test('stages: FROM with global ARGs, AS, --target, COPY --from, only what the target needs', async (t) => {
  const text = [
    'ARG BASE=busybox', 'ARG TAG',
    'FROM ${BASE}:${TAG:-latest} AS tools', 'RUN echo tools',
    'FROM scratch AS unused', 'COPY a /a',
    'FROM tools AS build', 'COPY --from=0 /x /y', 'COPY --from=alpine:3 /etc/os-release /',
    'FROM busybox', 'COPY --from=build /y /z',
  ].join('\n');
  const plan = planBuild(text, { buildArgs: { TAG: '1.36', OTHER: 'x' } });
  t.same(plan.stages.map((s) => s.base), [{ image: 'busybox:1.36' }, { scratch: true }, { stage: 0 }, { image: 'busybox' }]);
  t.equal(plan.target, 3);
  t.same(plan.order, [0, 2, 3], 'the unused stage is not built');
  t.same([...plan.stages[2]!.copyFrom.values()], [{ stage: 0 }, { image: 'alpine:3' }]);
  t.same(plan.unusedBuildArgs, ['OTHER']);
  const targeted = planBuild(text, { buildArgs: {}, target: 'tools' });
  t.same(targeted.order, [0]);
  t.same(targeted.stages[0]!.base, { image: 'busybox:latest' });
});
