#!/usr/bin/env node
/**
 * Bundles the CLI (dist/cli/main.js and every module it may load, the verbs' included) into
 * that one minified file, so that each `berth` command reads and compiles one file instead of
 * resolving some hundreds of modules: the CLI's start-up is most of a short command's time.
 * The daemon and the tests' own imports keep the unbundled modules beside it.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const entry = path.join(repo, 'dist/cli/main.js');
await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // msgpackr's optional native addon is found at run time, if installed, from node_modules.
  external: ['msgpackr-extract'],
  // Bundled CommonJS dependencies (commander, cli-progress) call require().
  banner: { js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);" },
  logLevel: 'warning',
});
// tsc's source map describes the file the bundle replaced.
fs.rmSync(`${entry}.map`, { force: true });
