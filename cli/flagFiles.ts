/**
 * `--env-file` and `--label-file`: Docker's KEY=VALUE file format (opts/envfile.go). The parsing
 * is pure; reading the files is the one effect, done before the create spec is built.
 */
import fs from 'node:fs/promises';
import { ValidationError } from '../events/errors.js';

/**
 * One entry per line, as Docker reads them: blank lines and `#` comments skipped, leading spaces
 * of the key trimmed, the value kept as written (no quotes are removed). A line without `=` is
 * looked up with `lookup` (the environment, for env files: dropped when unset) or becomes `KEY=`
 * (labels, when there is no lookup).
 */
export function parseKeyValueFile(text: string, file: string, lookup?: (key: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const [index, raw] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line : line.slice(0, eq);
    if (key === '') throw new ValidationError(`${file}:${index + 1}: no variable name before "="`);
    if (/\s/.test(key)) throw new ValidationError(`${file}:${index + 1}: variable '${key.trimEnd()}' contains whitespaces`);
    if (eq !== -1) out.push(line);
    else if (!lookup) out.push(`${key}=`);
    else {
      const value = lookup(key);
      if (value !== undefined) out.push(`${key}=${value}`);
    }
  }
  return out;
}

async function readFlagFile(file: string, flag: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError(`${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** The entries of every --env-file (from the environment for bare names) and --label-file, in order. */
export async function readFlagFiles(opts: { envFile?: string[]; labelFile?: string[] }, env: NodeJS.ProcessEnv = process.env): Promise<{ env: string[]; labels: string[] }> {
  const envEntries: string[] = [];
  for (const file of opts.envFile ?? []) envEntries.push(...parseKeyValueFile(await readFlagFile(file, '--env-file'), file, (key) => env[key]));
  const labels: string[] = [];
  for (const file of opts.labelFile ?? []) labels.push(...parseKeyValueFile(await readFlagFile(file, '--label-file'), file));
  return { env: envEntries, labels };
}
