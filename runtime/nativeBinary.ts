/**
 * Where berth's C programs are: dist/native/<name>, found from this module's place. A module of
 * dist/ knows it by its own URL; in the CLI's bundle (dist/cli/berth.cjs, which `berth daemon`
 * runs in), every module's import.meta.url is the bundle's, one level nearer the root, so a fixed
 * relative path pointed beside dist/ there. The nearest ancestor holding native/<name> is right
 * for both.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function nativeBinary(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'native', name);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  // Not built: the dist/ path, so that the error names where it was looked for.
  return path.join(here, '..', 'native', name);
}
