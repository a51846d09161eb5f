#!/usr/bin/env node
/**
 * Start latency: runs each subject's command to completion, INTERLEAVED (A B C D A B C D ...),
 * first BENCH_WARMUP rounds (default 3, not kept) then BENCH_RUNS rounds (default 30), and
 * times each run from just before spawn() to the child's exit with process.hrtime.
 *
 *   node bench/startLatency.mjs SUBJECTS.json OUT.json
 *
 * SUBJECTS.json comes from subjects.mjs. OUT.json gets every sample: its duration in ms and the
 * wall-clock start and end (ms since the epoch, to match berth's event times). A command that
 * fails stops the bench with its stderr: a failed run is not a latency.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { envInt as count } from './procs.mjs';

const [subjectsFile, outFile] = process.argv.slice(2);
if (!subjectsFile || !outFile) {
  console.error('usage: startLatency.mjs SUBJECTS.json OUT.json');
  process.exit(2);
}
const runs = count('BENCH_RUNS', 30);
const warmup = count('BENCH_WARMUP', 3);
const subjects = JSON.parse(fs.readFileSync(subjectsFile, 'utf8'));

const baseEnv = { ...process.env };
delete baseEnv.NODE_EXTRA_CA_CERTS;

let sequence = 0;

/** Runs one command; resolves with its timing, rejects when it fails. */
function timeOnce(subject) {
  const n = ++sequence;
  const [file, ...args] = subject.argv.map((arg) => arg.replaceAll('{n}', String(n)));
  const env = { ...baseEnv, ...subject.env };
  return new Promise((resolve, reject) => {
    let stderr = '';
    let timing = null;
    const start = Date.now();
    const t0 = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.on('exit', () => {
      const t1 = process.hrtime.bigint();
      timing = { ms: Number(t1 - t0) / 1e6, start, end: Date.now() };
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    // 'close' comes after 'exit' and after stderr is drained: only then is the run over.
    child.on('close', (code, signal) => {
      if (code === 0) resolve(timing);
      else reject(new Error(`${subject.name} run ${n} failed (${signal ?? `exit ${code}`}): ${[file, ...args].join(' ')}\n${stderr}`));
    });
  });
}

async function round(samples) {
  for (const subject of subjects) {
    const timing = await timeOnce(subject);
    samples?.[subject.name].push(timing);
  }
}

const samples = Object.fromEntries(subjects.map((s) => [s.name, []]));
const startedAt = Date.now();
const loadBefore = os.loadavg();
for (let i = 0; i < warmup; i++) await round(null);
const measuredFrom = Date.now();
for (let i = 0; i < runs; i++) {
  await round(samples);
  if ((i + 1) % 10 === 0 || i + 1 === runs) process.stderr.write(`startLatency: ${i + 1}/${runs} rounds\n`);
}
const finishedAt = Date.now();

fs.writeFileSync(outFile, `${JSON.stringify({
  order: 'interleaved',
  runs,
  warmup,
  startedAt,
  measuredFrom,
  finishedAt,
  loadavg: { before: loadBefore, after: os.loadavg() },
  subjects,
  samples,
}, null, 2)}\n`);
