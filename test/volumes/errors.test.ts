/** Every invalid mount spec gets Docker's message, exit code 125, and creates nothing. */
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

const cases: Array<[string[], string]> = [
  [['-v', 'data:rel'], `invalid volume specification: 'data:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`],
  [['-v', 'rel'], `invalid volume specification: 'rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`],
  [['-v', '/host:rel'], `invalid volume specification: '/host:rel': invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
  [['-v', 'data:/x:bogus'], 'invalid mode: bogus'],
  [['-v', '/x:ro'], "invalid volume specification: '/x:ro'"],
  [['-v', 'a:b:c:d'], "invalid volume specification: 'a:b:c:d'"],
  [['-v', 'data:/'], `invalid volume specification: 'data:/': invalid mount config for type "volume": invalid specification: destination can't be '/'`],
  [['-v', 'my/vol:/x'], 'create my/vol: "my/vol" includes invalid characters for a local volume name'],
  [['-v', '/a', '--tmpfs', '/a'], 'Duplicate mount point: /a'],
  [['--mount', 'type=bind,src=/tmp,dst=/x,bogus=1'], `invalid argument "type=bind,src=/tmp,dst=/x,bogus=1" for "--mount" flag: unexpected key 'bogus' in 'bogus=1'`],
  [['--mount', 'type=bind,src=/tmp'], `invalid argument "type=bind,src=/tmp" for "--mount" flag: target is required`],
  [['--mount', 'type=bind,src=/tmp,dst=rel'], `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
  [['--mount', 'type=bind,src=/no/such/dir,dst=/x'], 'invalid mount config for type "bind": bind source path does not exist: /no/such/dir'],
  [['--mount', 'type=bind,dst=/x'], 'invalid mount config for type "bind": field Source must not be empty'],
  [['--mount', 'type=nfs,dst=/x'], 'invalid mount config for type "nfs": mount type unknown'],
  [['--mount', 'type=volume,dst=/x,tmpfs-size=1m'], `invalid argument "type=volume,dst=/x,tmpfs-size=1m" for "--mount" flag: cannot mix 'tmpfs-*' options with mount type 'volume'`],
  [['--mount', 'type=tmpfs,dst=/x,tmpfs-mode=9'], 'invalid argument "type=tmpfs,dst=/x,tmpfs-mode=9" for "--mount" flag: invalid value for tmpfs-mode: 9'],
  [['--tmpfs', 'rel'], `invalid mount config for type "tmpfs": invalid mount path: 'rel' mount path must be absolute`],
  [['--tmpfs', '/t:bogus'], 'invalid tmpfs option "bogus" for /t'],
  [['--volumes-from', 'x:shared'], 'invalid mode: shared'],
  [['--volumes-from', 'ghost'], 'No such container: ghost'],
];

for (const [flags, message] of cases) {
  t.test(flags.join(' '), async (t) => {
    const result = await engine.berth(['run', '--rm', ...flags, 'busybox', 'true']);
    t.equal(result.code, 125);
    t.ok(result.stderr.startsWith(`berth: ${message}`), `got: ${result.stderr}`);
  });
}

t.test('nothing was created by the failed runs', async (t) => {
  t.equal(await engine.ok(['volume', 'ls', '-q']), '');
  t.equal(await engine.ok(['ps', '-aq']), '');
});
