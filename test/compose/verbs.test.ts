/**
 * `berth compose` kill, rm, images and top through the real engine (`--bridge none`: the
 * services use `network_mode: none`): top lists each running container's processes, images
 * the image each runs, kill signals only the running ones, rm removes only stopped ones unless
 * -s, asks first unless -f, and with -v takes their anonymous volumes.
 */
import t from 'tap';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { composeProject } from '../helpers/compose.js';
import { startEngine } from '../helpers/engine.js';

gateFile(requiresEngine());

t.test('kill, rm, images, top', async (t) => {
  const engine = await startEngine(t);
  const { compose } = await composeProject(t, engine, 'verbs', `
services:
  sleeper:
    image: busybox
    network_mode: none
    command: sleep 3600
    volumes: [/scratch]
  trapper:
    image: busybox
    network_mode: none
    command: ["sh", "-c", "trap 'echo got-usr1; exit 7' USR1; while true; do sleep 1; done"]
`);
  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);

  const top = await compose('top');
  t.equal(top.code, 0, top.stderr);
  t.match(top.stdout, /^verbs-sleeper-1\nUID +PID +PPID +TIME +CMD\n.*sleep 3600\n/m, 'each container named, then its processes');
  t.match(top.stdout, /verbs-trapper-1\nUID/);

  const images = await compose('images');
  t.equal(images.code, 0, images.stderr);
  const busybox = (await engine.inspect('busybox')).Id.replace('sha256:', '').slice(0, 12);
  t.match(images.stdout, /^CONTAINER +REPOSITORY +TAG +IMAGE ID +SIZE\n/);
  t.match(images.stdout, new RegExp(`verbs-sleeper-1 +busybox +latest +${busybox} +\\S+`));
  t.equal((await compose('images', '-q')).stdout, `${busybox}\n`, 'one image, once');

  const kill = await compose('kill', '-s', 'USR1', 'trapper');
  t.equal(kill.code, 0, kill.stderr);
  t.match(kill.stderr, / Container verbs-trapper-1 {2}Killed/);
  t.equal(await engine.ok(['wait', 'verbs-trapper-1']), '7\n', 'the signal reached the service\'s process');
  t.match(await engine.ok(['logs', 'verbs-trapper-1']), /got-usr1/);
  t.equal((await engine.ok(['inspect', '-f', '{{.State.Running}}', 'verbs-sleeper-1'])).trim(), 'true', 'the other service untouched');

  const declined = await compose('rm');
  t.equal(declined.code, 0);
  t.match(declined.stderr, /Going to remove verbs-trapper-1\nAre you sure you want to continue\? \[y\/N\]/, 'asks, naming only the stopped one');
  t.equal((await engine.berth(['inspect', 'verbs-trapper-1'])).code, 0, 'no answer: kept');
  const removed = await compose('rm', '-f');
  t.equal(removed.code, 0, removed.stderr);
  t.match(removed.stderr, / Container verbs-trapper-1 {2}Removed/);
  t.notMatch(removed.stderr, /sleeper/, 'a running container is not removed without -s');
  const volumes = (await engine.ok(['volume', 'ls', '-q'])).trim().split('\n').filter(Boolean);
  t.equal(volumes.length, 1, 'the sleeper\'s anonymous volume');
  const stopped = await compose('rm', '-f', '-s', '-v', 'sleeper');
  t.equal(stopped.code, 0, stopped.stderr);
  t.match(stopped.stderr, / Container verbs-sleeper-1 {2}Removed/);
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'no container left');
  t.equal((await engine.ok(['volume', 'ls', '-q'])).trim(), '', '-v: its anonymous volume gone');
  t.equal((await compose('rm', '-f')).stderr, 'No stopped containers\n');
});
