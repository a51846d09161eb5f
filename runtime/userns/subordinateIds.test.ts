import t from 'tap';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findPrincipal, parseRemap, resolveRemap, subordinateMapping } from './subordinateIds.js';

t.test('default is dockremap; USER[:GROUP] otherwise', async (t) => {
  t.same(parseRemap('default'), { user: 'dockremap', group: 'dockremap' });
  t.same(parseRemap('alice'), { user: 'alice', group: 'alice' });
  t.same(parseRemap('1000:staff'), { user: '1000', group: 'staff' });
  t.throws(() => parseRemap('a:b:c'), /invalid --userns-remap "a:b:c"/);
  t.throws(() => parseRemap('a:'), /invalid --userns-remap/);
  t.throws(() => parseRemap(''), /invalid --userns-remap/);
});

t.test('a user is found by name or id; one not in the file keeps what was given', async (t) => {
  const passwd = 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n';
  t.same(findPrincipal(passwd, 'alice'), { name: 'alice', id: 1000 });
  t.same(findPrincipal(passwd, '1000'), { name: 'alice', id: 1000 });
  t.same(findPrincipal(passwd, 'bob'), { name: 'bob' });
  t.same(findPrincipal(passwd, '2000'), { id: 2000 });
});

t.test('ranges by name or id, in order, container ids from 0 on', async (t) => {
  const subuid = '# comment\nbob:50000:10\nalice:100000:65536\n1000:300000:1000\nalice:bad:1\nalice:400000:0\n';
  t.same(subordinateMapping(subuid, { name: 'alice', id: 1000 }), [
    { containerId: 0, hostId: 100000, size: 65536 },
    { containerId: 65536, hostId: 300000, size: 1000 },
  ]);
  t.same(subordinateMapping(subuid, { name: 'carol' }), []);
});

t.test('resolveRemap reads the files and says what is missing', async (t) => {
  const etc = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-subid-'));
  t.teardown(() => fs.rm(etc, { recursive: true, force: true }));
  await fs.writeFile(path.join(etc, 'subuid'), 'dockremap:100000:65536\n');
  await t.rejects(resolveRemap('default', etc), /no subordinate gid range for dockremap in .*subgid/);
  await fs.writeFile(path.join(etc, 'subgid'), 'dockremap:200000:65536\n');
  t.same(await resolveRemap('default', etc), {
    uidMap: [{ containerId: 0, hostId: 100000, size: 65536 }],
    gidMap: [{ containerId: 0, hostId: 200000, size: 65536 }],
  });
  await t.rejects(resolveRemap('nobody', etc), /no subordinate uid range for nobody/);
});
