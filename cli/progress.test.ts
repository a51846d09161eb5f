/** The progress lines: sizes as Docker writes them, the live line, plain lines per status change. */
import { PassThrough } from 'node:stream';
import t from 'tap';
import { humanBytes, liveLine, plainProgress } from './progress.js';

const layer = `sha256:${'ab'.repeat(32)}`;

t.test('sizes in decimal units', async (t) => {
  t.same([0, 999, 1000, 1234567, 12_345_678, 123_456_789, 5e9].map(humanBytes), ['0B', '999B', '1.00kB', '1.23MB', '12.3MB', '123MB', '5.00GB']);
});

t.test('a live line: a bar while downloading, the status otherwise', async (t) => {
  t.equal(liveLine({ layer, status: 'downloading', bytes: 500_000, total: 1_000_000 }, 250_000, 10),
    'abababababab: Downloading [====>     ] 500kB/1.00MB  250kB/s');
  t.equal(liveLine({ layer, status: 'downloading', bytes: 0, total: 1_000_000 }, null, 4), 'abababababab: Downloading [    ] 0B/1.00MB');
  t.equal(liveLine({ layer, status: 'exists', bytes: 1, total: 1 }, null), 'abababababab: Already exists');
  t.equal(liveLine({ layer, status: 'pushing', bytes: 250, total: 1000 }, null, 4), 'abababababab: Pushing [>   ] 250B/1.00kB');
  t.equal(liveLine({ layer, status: 'loading', bytes: 1000, total: 1000 }, null, 4), 'abababababab: Loading layer [===>] 1.00kB/1.00kB');
  t.equal(liveLine({ layer, status: 'writing', bytes: 2_500_000, total: 0 }, 1_000_000), 'abababababab: Writing layer 2.50MB  1.00MB/s', 'no total: the bytes so far, no bar');
  t.same(['pushed', 'loaded', 'saved', 'written'].map((status) => liveLine({ layer, status: status as 'pushed', bytes: 1, total: 1 }, null)),
    ['abababababab: Pushed', 'abababababab: Loaded', 'abababababab: Saved', 'abababababab: Written']);
});

t.test('plain lines: once per status change, none for byte counts', async (t) => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => { text += d.toString(); });
  const view = plainProgress(out);
  for (const [status, bytes] of [['waiting', 0], ['downloading', 10], ['downloading', 20], ['extracting', 30], ['done', 30], ['done', 30]] as const) {
    view.update({ layer, status, bytes, total: 30 });
  }
  t.equal(text, 'abababababab: Pulling fs layer\nabababababab: Download complete\nabababababab: Pull complete\n');
});
