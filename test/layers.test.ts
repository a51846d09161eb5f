/**
 * The layering (docs/ARCHITECTURE.md, "Layers") holds: dependency-cruiser checks every import of
 * the production code against .dependency-cruiser.cjs. A violation fails here, naming the import.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('../../', import.meta.url));
const LAYERS = ['events', 'log', 'runtime', 'nats', 'memory', 'actors', 'client', 'cli'];

t.test('every import follows the layering', async (t) => {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [`${root}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...LAYERS],
      { cwd: root, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => (stdout ? resolve(stdout) : reject(new Error(`dependency-cruiser: ${stderr || (error as Error).message}`))));
  });
  const { summary } = JSON.parse(output) as { summary: { violations: Array<{ from: string; to: string; rule: { name: string } }>; totalCruised: number } };
  t.ok(summary.totalCruised > 300, `the production code was read (${summary.totalCruised} modules)`);
  t.same(summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`), [], 'no import breaks a layer rule');
});
