/**
 * Remote build contexts served from this machine only: an HTTP server on 127.0.0.1 (fixed
 * answers by path, or files of a dir, which serves a bare git repository over git's dumb HTTP
 * protocol), and `git daemon` on 127.0.0.1. Teardown closes the server and kills the daemon by
 * its pid.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort } from './registry.js';

type Teardown = { teardown(fn: () => unknown): void };

/** A fixed answer: a body and its Content-Type, or headers alone (a declared length the body never has). */
export type Answer = { type?: string; body: Buffer | string } | { headersOnly: Record<string, string> };

/** Serves `answers` by path, and else the files under `files` (404 when absent). Resolves with its base URL. */
export async function startContextServer(t: Teardown, answers: Record<string, Answer>, files: string): Promise<string> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = answers[url.pathname];
    if (answer && 'headersOnly' in answer) {
      res.writeHead(200, answer.headersOnly);
      res.flushHeaders();
      return; // the client gives up; the server drops it at close
    }
    if (answer) {
      res.writeHead(200, answer.type ? { 'Content-Type': answer.type } : {});
      res.end(answer.body);
      return;
    }
    const file = path.join(files, path.posix.normalize(url.pathname));
    void fs.stat(file).then((stat) => {
      if (!stat.isFile()) throw new Error('not a file');
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      createReadStream(file).pipe(res);
    }).catch(() => { res.writeHead(404); res.end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `git -C dir ARGS` with a fixed identity. */
export function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@berth', '-C', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** A bare repository `<base>/<name>.git` with these branches (branch -> files), the first the default; ready for dumb HTTP too. */
export async function makeRepository(base: string, name: string, branches: Record<string, Record<string, string>>): Promise<void> {
  const work = path.join(base, `${name}-work`);
  await fs.mkdir(work, { recursive: true });
  const [first] = Object.keys(branches);
  git(work, ['init', '-q', '-b', first!]);
  for (const [branch, files] of Object.entries(branches)) {
    if (branch !== first) git(work, ['checkout', '-q', '-b', branch]);
    for (const [rel, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(work, rel)), { recursive: true });
      await fs.writeFile(path.join(work, rel), content);
    }
    git(work, ['add', '-A']);
    git(work, ['commit', '-q', '-m', branch]);
  }
  git(work, ['checkout', '-q', first!]);
  const bare = path.join(base, `${name}.git`);
  execFileSync('git', ['clone', '-q', '--bare', work, bare]);
  git(bare, ['update-server-info']);
}

/** `git daemon` serving the repositories under `base` on 127.0.0.1; resolves with its port once it listens. */
export async function startGitDaemon(t: Teardown, base: string): Promise<number> {
  const port = await freePort();
  // git-daemon itself: `git daemon` runs it as a child, which a kill of `git` would leave behind.
  const program = path.join(execFileSync('git', ['--exec-path']).toString().trim(), 'git-daemon');
  const daemon = spawn(program, ['--reuseaddr', '--export-all', '--verbose', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${port}`, base], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => { if (daemon.pid && daemon.exitCode === null) process.kill(daemon.pid, 'SIGKILL'); });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    daemon.stderr!.on('data', (data: Buffer) => {
      text += data.toString();
      if (text.includes('Ready to rumble')) resolve();
    });
    daemon.on('exit', (code) => reject(new Error(`git daemon exited ${code}: ${text}`)));
  });
  return port;
}
