/** The create spec over the image's config, given/when/then. */
import t from 'tap';
import { commandLine, mergeEnv, stopSignalOf } from './createConfig.js';

const image = { entrypoint: ['/entry'], cmd: ['--serve'] };

t.test('given an image with an entrypoint and a cmd', async (t) => {
  t.same(commandLine({ cmd: [] }, image), { cmd: ['/entry', '--serve'], entrypoint: ['/entry'] }, 'when nothing is given, then both are the image\'s');
  t.same(commandLine({ cmd: ['--once'] }, image), { cmd: ['/entry', '--once'], entrypoint: ['/entry'] }, 'when a cmd is given, then it replaces the image\'s cmd');
  t.same(commandLine({ entrypoint: ['/other'], cmd: [] }, image), { cmd: ['/other'], entrypoint: ['/other'] }, 'when an entrypoint is given, then the image\'s cmd is dropped too');
  t.same(commandLine({ entrypoint: [], cmd: [] }, image), { cmd: [], entrypoint: [] }, 'when an empty entrypoint is given, then nothing is left (decide refuses it)');
});

t.test('given an image without a command, when none is given, then the argv is empty', async (t) => {
  t.same(commandLine({ cmd: [] }, { entrypoint: [], cmd: [] }).cmd, []);
});

t.test('env: the user\'s replace the image\'s by key, in the image\'s order', async (t) => {
  t.same(mergeEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3', 'FLAG']), ['PATH=/bin', 'A=2', 'B=3', 'FLAG']);
});

t.test('stop signal: by name, SIGTERM and unknown ones dropped', async (t) => {
  t.same(stopSignalOf('9'), { stopSignal: 'SIGKILL' });
  t.same(stopSignalOf('SIGTERM'), {});
  t.same(stopSignalOf('SIGNOPE'), {});
  t.same(stopSignalOf(undefined), {});
});
