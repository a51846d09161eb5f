/** Remote build contexts classified by Docker's rules, and downloads told apart by type and first bytes. */
import t from 'tap';
import { displayUrl, isGitUrl, isRemoteContext, isUrl, parseRemote, remoteContent } from './remoteUrl.js';

t.test('which words are URLs and which are git repositories (urlutil)', async (t) => {
  for (const git of ['git://host/repo', 'git@github.com:user/repo.git', 'github.com/user/repo', 'https://host/repo.git', 'http://host/repo.git#main', 'https://host/repo.git#v1:sub/dir']) {
    t.ok(isGitUrl(git), `${git} is git`);
  }
  for (const notGit of ['https://host/repo', 'https://host/context.tar.gz', 'https://host/repo.git/Dockerfile', 'ftp://host/repo.git', './repo.git', 'gitlab.com/user/repo']) {
    t.notOk(isGitUrl(notGit), `${notGit} is not git`);
  }
  t.ok(isUrl('https://host/x') && isUrl('http://host/x'));
  t.notOk(isUrl('ftp://host/x') || isUrl('HTTPS://host') || isUrl('host/x'));
  t.notOk(isRemoteContext('.') || isRemoteContext('/tmp/dir') || isRemoteContext('-'));
});

t.test('the source: remote, ref and subdir from the fragment; a plain URL as it is', async (t) => {
  t.same(parseRemote('https://host/repo.git#v1:sub/dir/'), { kind: 'git', remote: 'https://host/repo.git', ref: 'v1', subdir: 'sub/dir' });
  t.same(parseRemote('https://host/repo.git'), { kind: 'git', remote: 'https://host/repo.git', ref: null, subdir: '' }, 'no ref: the default branch');
  t.same(parseRemote('https://host/repo.git#:docker'), { kind: 'git', remote: 'https://host/repo.git', ref: null, subdir: 'docker' });
  t.same(parseRemote('git://127.0.0.1:9418/repo.git#main'), { kind: 'git', remote: 'git://127.0.0.1:9418/repo.git', ref: 'main', subdir: '' });
  t.same(parseRemote('git@github.com:user/repo.git#dev:app'), { kind: 'git', remote: 'git@github.com:user/repo.git', ref: 'dev', subdir: 'app' });
  t.same(parseRemote('github.com/user/repo'), { kind: 'git', remote: 'https://github.com/user/repo', ref: null, subdir: '' });
  t.same(parseRemote('https://host/ctx.tar.gz?x=1#frag'), { kind: 'http', url: 'https://host/ctx.tar.gz?x=1' });
});

t.test('bad URLs are one clear line', async (t) => {
  t.throws(() => parseRemote('https://host/repo.git#--upload-pack=evil'), { name: 'ValidationError', message: /invalid refspec: --upload-pack=evil/ });
  t.throws(() => parseRemote('https://host/repo.git#main:../etc'), { message: /not inside the repository/ });
  t.throws(() => parseRemote('https://host/repo.git#main:/etc'), { message: /not inside the repository/ });
  t.throws(() => parseRemote('https://'), { message: /not a valid URL/ });
  t.throws(() => parseRemote('https://exa mple.com/x'), { message: /not a valid URL/ });
  t.throws(() => parseRemote('git@host'), { message: /expected git@HOST:PATH/ });
  t.throws(() => parseRemote('ftp://host/x'), { message: /only http:\/\/, https:\/\/ and git URLs/ });
  for (const bad of ['https://', 'ftp://host/x', 'git@host']) {
    t.notMatch((() => { try { parseRemote(bad); return ''; } catch (e) { return (e as Error).message; } })(), /\n/, `${bad}: one line`);
  }
});

t.test('a download is a Dockerfile or an archive by its type, sniffed when it says nothing (inspectResponse)', async (t) => {
  const dockerfile = Buffer.from('FROM busybox\nRUN echo hi\n');
  const tar = Buffer.alloc(512);
  tar.write('Dockerfile', 0);
  tar.write('ustar', 257);
  const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]);
  t.equal(remoteContent('text/plain; charset=utf-8', dockerfile), 'dockerfile');
  t.equal(remoteContent(null, dockerfile), 'dockerfile', 'no type: text is a Dockerfile');
  t.equal(remoteContent('application/octet-stream', dockerfile), 'dockerfile', 'octet-stream (a server\'s default for a file without an extension) is sniffed');
  t.equal(remoteContent('application/octet-stream', tar.subarray(0, 100)), 'archive', 'binary bytes: an archive');
  t.equal(remoteContent('', gzip), 'archive', 'gzip magic');
  t.equal(remoteContent(null, Buffer.from('BZh91AY')), 'archive', 'bzip2 magic');
  t.equal(remoteContent('application/x-gzip', gzip), 'archive');
  t.equal(remoteContent('application/gzip', gzip), 'archive');
  t.equal(remoteContent('application/x-tar', tar), 'archive');
  t.equal(remoteContent('application/x-xz', Buffer.from([0xfd, 0x37])), 'archive');
  t.equal(remoteContent('text/plain', gzip), 'dockerfile', 'a declared type is believed, as Docker does');
  t.throws(() => remoteContent('text/html', dockerfile), { name: 'ValidationError', message: 'unable to download remote context: unsupported Content-Type "text/html"' });
  t.throws(() => remoteContent(null, Buffer.from('<!DOCTYPE html><html>')), { message: /unsupported Content-Type "text\/html/ }, 'an HTML page sniffed');
  t.throws(() => remoteContent('application/json', dockerfile), { message: /unsupported Content-Type "application\/json"/ });
  t.throws(() => remoteContent('text/plain', Buffer.alloc(0)), { message: /empty response/ });
});

t.test('credentials in a URL are not shown', async (t) => {
  t.equal(displayUrl('https://user:token@host/repo.git#main'), 'https://host/repo.git#main');
  t.equal(displayUrl('https://host/ctx.tar'), 'https://host/ctx.tar');
  t.equal(displayUrl('git@github.com:user/repo.git'), 'git@github.com:user/repo.git', 'scp-like: the user is no secret');
});
