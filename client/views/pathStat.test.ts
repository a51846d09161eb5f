import t from 'tap';
import { pathStat, pathStatHeader } from './pathStat.js';

t.test('a path\'s stat as Docker\'s header: Go FileMode type bits, RFC 3339 mtime', async (t) => {
  const mtime = new Date('2026-01-02T03:04:05Z');
  t.same(pathStat('sub', { type: 'directory', mode: 0o40755, size: 0, mtime }), { name: 'sub', size: 0, mode: 0x80000000 + 0o755, mtime: '2026-01-02T03:04:05.000Z', linkTarget: '' });
  t.equal(pathStat('f', { type: 'file', mode: 0o644, size: 7, mtime }).mode, 0o644);
  t.same(pathStat('l', { type: 'symlink', mode: 0o777, size: 0, mtime, linkname: '/etc/hosts' }), { name: 'l', size: 0, mode: 0x08000000 + 0o777, mtime: '2026-01-02T03:04:05.000Z', linkTarget: '/etc/hosts' });
  const header = pathStatHeader(pathStat('f', { type: 'file', mode: 0o4755, size: 1, mtime }));
  t.equal(JSON.parse(Buffer.from(header, 'base64').toString()).mode, 0o4755, 'setuid kept');
});
