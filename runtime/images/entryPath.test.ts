import t from 'tap';
import { classifyWhiteout, entryComponents, xattrAllowed } from './entryPath.js';

t.test('entry paths become components inside the layer', async (t) => {
  t.same(entryComponents('./usr/bin/sh'), ['usr', 'bin', 'sh']);
  t.same(entryComponents('etc//passwd'), ['etc', 'passwd']);
  t.same(entryComponents('./'), []);
  t.throws(() => entryComponents('../etc/passwd'), { name: 'ArchiveError', message: /"\.\." refused/ });
  t.throws(() => entryComponents('a/../../b'), /"\.\." refused/);
  t.throws(() => entryComponents('/etc/passwd'), /absolute path refused/);
  t.throws(() => entryComponents('a'.repeat(5000)), /longer than/);
});

t.test('whiteouts and opaque markers', async (t) => {
  t.same(classifyWhiteout(['etc', 'passwd']), { kind: 'none' });
  t.same(classifyWhiteout(['etc', '.wh.passwd']), { kind: 'whiteout', target: ['etc', 'passwd'] });
  t.same(classifyWhiteout(['var', '.wh..wh..opq']), { kind: 'opaque', dir: ['var'] });
  t.same(classifyWhiteout(['.wh..wh.plnk']), { kind: 'ignore' });
  t.throws(() => classifyWhiteout(['.wh.']), /names nothing/);
  t.throws(() => classifyWhiteout(['a', '.wh...']), /names nothing/);
});

t.test('xattrs an image may set', async (t) => {
  t.ok(xattrAllowed('security.capability'));
  t.ok(xattrAllowed('user.mime'));
  t.notOk(xattrAllowed('trusted.overlay.redirect'));
  t.notOk(xattrAllowed('security.selinux'));
});
