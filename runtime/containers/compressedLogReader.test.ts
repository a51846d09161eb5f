import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import t from 'tap';
import { CompressedLogReader, rotatedFiles } from './compressedLogReader.js';

t.test('rotated files oldest first; a plain file wins over its .gz', async (t) => {
  t.same(rotatedFiles(['ctr.log', 'ctr.log.1.gz', 'ctr.log.3.gz', 'ctr.log.2.gz', 'ctr.log.1.gz.tmp', 'exit'], 'ctr.log'), ['ctr.log.3.gz', 'ctr.log.2.gz', 'ctr.log.1.gz']);
  t.same(rotatedFiles(['ctr.log.1.gz', 'ctr.log.1', 'ctr.log.2.gz'], 'ctr.log'), ['ctr.log.2.gz', 'ctr.log.1'], 'mid-compression: the plain one');
  t.same(rotatedFiles(['ctr.log.1', 'ctr.log.1.gz'], 'ctr.log'), ['ctr.log.1']);
  t.same(rotatedFiles(['ctr.log.0.gz', 'ctr.logs.1.gz'], 'ctr.log'), []);
});

t.test('reads the gzipped files, then the current one, then what follows', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-complog-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const record = (n: number) => `${JSON.stringify({ stream: 'stdout', time: '2026-01-01T00:00:00.000000000Z', log: `line ${n}\n` })}\n`;
  const file = path.join(dir, 'ctr.log');
  await fs.writeFile(`${file}.2.gz`, zlib.gzipSync(record(1) + record(2)));
  await fs.writeFile(`${file}.1`, record(3));
  await fs.writeFile(`${file}.1.gz`, zlib.gzipSync(record(3)));
  await fs.writeFile(file, record(4));
  const reader = new CompressedLogReader(file);
  t.teardown(() => reader.close());
  t.same((await reader.read()).map((c) => c.data), ['line 1\n', 'line 2\n', 'line 3\n', 'line 4\n']);
  await fs.appendFile(file, record(5));
  t.same((await reader.read()).map((c) => c.data), ['line 5\n'], 'then only what was written since');
});
