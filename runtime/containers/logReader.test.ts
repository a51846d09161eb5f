import t from 'tap';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LogReader, parseLogLines, rotatedNumbers } from './logReader.js';

t.test('log lines: whole JSON lines parse, the rest waits', async (t) => {
  const text = '{"stream":"stdout","time":"t","log":"a\\n"}\n{"stream":"stderr","time":"t","log":"b"}\n{"stream":"std';
  const { chunks, rest } = parseLogLines(text);
  t.same(chunks, [{ stream: 'stdout', data: 'a\n', time: 't' }, { stream: 'stderr', data: 'b', time: 't' }]);
  t.equal(rest, '{"stream":"std');
  t.same(parseLogLines('garbage\n').chunks, [], 'an unreadable line is skipped');
});

t.test('rotated log files: oldest (highest number) first, nothing else', async (t) => {
  t.same(rotatedNumbers(['ctr.log', 'ctr.log.1', 'ctr.log.10', 'ctr.log.2', 'ctr.log.tmp', 'ctr.log.0', 'ctr.log.01', 'exit', 'ctr.logs.3'], 'ctr.log'), [10, 2, 1]);
  t.same(rotatedNumbers([], 'ctr.log'), []);
});


t.test('a reader follows the log across rotations, as the shim makes them', async (t) => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-logreader-'));
  t.teardown(() => fsp.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'ctr.log');
  const line = (n: number) => `${JSON.stringify({ stream: 'stdout', time: 't', log: `${n}\n` })}\n`;
  const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i)).join('');
  const numbers = (chunks: { data: string }[]) => chunks.map((c) => Number(c.data));

  await fsp.writeFile(`${file}.2`, lines(1, 2));
  await fsp.writeFile(`${file}.1`, lines(3, 4));
  await fsp.writeFile(file, lines(5, 6));
  const reader = new LogReader(file, { history: true });
  t.teardown(() => reader.close());
  t.same(numbers(await reader.read()), [1, 2, 3, 4, 5, 6], 'the history: rotated files oldest first, then the current one');

  await fsp.appendFile(file, lines(7, 7));
  // the shim rotates: .1 -> .2, the current -> .1, a new current file
  await fsp.rename(`${file}.1`, `${file}.2`);
  await fsp.rename(file, `${file}.1`);
  await fsp.writeFile(file, lines(8, 9));
  t.same(numbers(await reader.read()), [7, 8, 9], 'the rest of the old file, then the new one');

  // two rotations before the reader looks again: it walks .2 (its old file), .1, then the current one
  await fsp.appendFile(file, lines(10, 10));
  await fsp.rename(`${file}.1`, `${file}.2`);
  await fsp.rename(file, `${file}.1`);
  await fsp.writeFile(file, lines(11, 12));
  await fsp.rename(`${file}.1`, `${file}.2`);
  await fsp.rename(file, `${file}.1`);
  await fsp.writeFile(file, lines(13, 13));
  t.same(numbers(await reader.read()), [10, 11, 12, 13], 'nothing lost two rotations behind');

  // more rotations than files kept: the lines that fell off are lost, the rest is read in order
  await fsp.appendFile(file, lines(14, 14));
  for (const [from, to] of [[15, 15], [16, 16], [17, 17], [18, 18]]) {
    await fsp.rename(`${file}.1`, `${file}.2`);
    await fsp.rename(file, `${file}.1`);
    await fsp.writeFile(file, lines(from, to));
  }
  t.same(numbers(await reader.read()), [14, 16, 17, 18], 'its own file to its end, then the oldest file left');

  // one file kept: the current one is replaced
  await Promise.all([1, 2].map((n) => fsp.unlink(`${file}.${n}`)));
  await fsp.appendFile(file, lines(19, 19));
  await fsp.unlink(file);
  await fsp.writeFile(file, lines(20, 20));
  t.same(numbers(await reader.read()), [19, 20]);
  t.same(numbers(await reader.read()), [], 'nothing new');

  const plain = new LogReader(file);
  t.teardown(() => plain.close());
  t.same(numbers(await plain.read()), [20], 'without history: the current file only');
  t.same(await new LogReader(path.join(dir, 'missing')).read(), [], 'no log yet');
});

t.test('lines written between the reader reaching the end and the rotation are not lost', async (t) => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-logreader-'));
  t.teardown(() => fsp.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'ctr.log');
  const line = (n: number) => `${JSON.stringify({ stream: 'stdout', time: 't', log: `${n}\n` })}\n`;
  await fsp.writeFile(file, line(1));
  const reader = new LogReader(file);
  t.teardown(() => reader.close());
  t.same((await reader.read()).map((c) => c.data), ['1\n']);
  // The shim writes and rotates just after the reader found the end of the file and before it
  // looks at the path again: the interleaving that lost a whole file of lines in CI.
  const proto = LogReader.prototype as unknown as { readToEnd(h: unknown): Promise<unknown[]> };
  const readToEnd = proto.readToEnd;
  let injected = false;
  proto.readToEnd = async function (this: LogReader, handle: unknown) {
    const chunks = await readToEnd.call(this, handle);
    if (!injected) {
      injected = true;
      await fsp.appendFile(file, line(2) + line(3));
      await fsp.rename(file, `${file}.1`);
      await fsp.writeFile(file, line(4));
    }
    return chunks;
  };
  t.teardown(() => { proto.readToEnd = readToEnd; });
  t.same((await reader.read()).map((c) => c.data), ['2\n', '3\n', '4\n'], 'the old file to its true end, then the new one');
});

t.test('a 300k-line log reads whole (no spread of its chunks into one call)', async (t) => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-logreader-'));
  t.teardown(() => fsp.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'ctr.log');
  const line = `${JSON.stringify({ stream: 'stdout', time: 't', log: 'x\n' })}\n`;
  await fsp.writeFile(file, line.repeat(300_000));
  const reader = new LogReader(file, { history: true });
  t.teardown(() => reader.close());
  t.equal((await reader.read()).length, 300_000);
});
