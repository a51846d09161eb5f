/**
 * The unit tests, in one process, from dist/: every test that needs no root, no NATS and no
 * kernel feature. That is the tests beside the code (dist/{actors,api,cli,client,events,log,memory,nats,runtime}
 * /**\/*.test.js) and those of the tests' own helpers (dist/test/helpers). One process instead
 * of tap's one per file: the files share tap's root test, and the run takes seconds instead of
 * minutes of loader start-up (about 0.3 s of CPU per file). `npm run test:unit` runs it with
 * node; `npm test` gives it to tap as one file beside the per-file tests under dist/test.
 * A test beside the code that needs root gates itself (test/helpers/gates.ts) with a per-test
 * gate; gateFile() ends the process, so a file using it is not a unit test.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST = fileURLToPath(new URL('../', import.meta.url));
const BESIDE_THE_CODE = ['actors', 'api', 'cli', 'client', 'events', 'log', 'memory', 'nats', 'runtime', 'test/helpers'];

function testsUnder(dir: string): string[] {
  return readdirSync(path.join(DIST, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => path.join(dir, file));
}

// tap's root test times out after 30 s unless told otherwise: one process holds the whole run.
process.env.TAP_TIMEOUT ??= '300';
const files = BESIDE_THE_CODE.flatMap(testsUnder).sort();
for (const file of files) await import(pathToFileURL(path.join(DIST, file)).href);
