#!/usr/bin/env node
/**
 * Bundles the CLI (dist/cli/main.js and every module it may load, the verbs' included) into one
 * minified CommonJS file, dist/cli/berth.cjs, and replaces dist/cli/main.js with a launcher
 * that runs it from V8's code cache: the CLI's start-up is most of a short command's time, and
 * most of that start-up was compiling the bundle's source (a cpu profile of `--version` showed
 * 67 ms of 127 in compiling the module). The daemon gets the same: dist/cli/berthd.cjs, run by
 * the launcher dist/cli/daemon.cjs with one cache (code-cache/berthd). The tests' own imports keep
 * the unbundled modules beside them.
 *
 * There is a cache per verb (dist/cli/code-cache/<verb>), written by the verb's first command
 * after it ran, so that it holds the functions that verb compiled and no others: `run --rm`
 * took 142 ms from its own cache, 175 ms from `--version`'s, and a cache of every function
 * would cost each command the time to load 3.4 MB. V8 checks a cache against the source's
 * length and its own version and flags only, so each build removes the old ones.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAUNCHER_BUNDLE, WITHOUT_MSGPACKR_ADDON, launcherFunction } from './launcherBundle.mjs';

const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const cli = path.join(repo, 'dist/cli');
const LAUNCHER = "// berth's launcher";
const cacheDir = path.join(cli, 'code-cache');

/**
 * tsc builds incrementally (tsconfig.json): it emits an entry again only when its source
 * changed, so the entry bundled is tsc's, kept as NAME.entry.js for a build where tsc left the
 * launcher in its place.
 */
function tscEntry(name) {
  const entry = path.join(cli, `${name}.js`);
  const saved = path.join(cli, `${name}.entry.js`);
  const text = fs.readFileSync(entry, 'utf8');
  if (!text.includes(LAUNCHER) && !text.includes("// berth's CLI launcher")) fs.copyFileSync(entry, saved);
  else if (!fs.existsSync(saved)) throw new Error(`dist/cli/${name}.js is the launcher and tsc's ${name}.js is gone: remove dist/ and build again`);
  return saved;
}

/** One program's bundle: minified CommonJS, checked to hold no test code; `defines` are its own. */
async function bundleOf(name, bundleName, defines = {}) {
  const bundle = path.join(cli, bundleName);
  const result = await build({
    ...LAUNCHER_BUNDLE,
    entryPoints: [tscEntry(name)],
    outfile: bundle,
    // The modules find files beside them (the daemon's script, package.json) from import.meta.url,
    // which the launcher passes in.
    define: { 'import.meta.url': '__berthModuleUrl', ...defines },
    metafile: true,
  });
  // A verb is loaded as `./commands/${name}.js`, which esbuild bundles as every file matching it:
  // a test file there would bring the test framework into every command.
  const strays = Object.keys(result.metafile.inputs).filter((input) => /\.test\.js$|node_modules\/(tap|@tapjs)\//.test(input));
  if (strays.length > 0) throw new Error(`the ${bundleName} bundle would include tests: ${strays.slice(0, 5).join(', ')}; keep tests out of cli/commands/ (and remove stale ones from dist/cli/commands/)`);
  const text = launcherFunction(fs.readFileSync(bundle, 'utf8'));
  fs.writeFileSync(bundle, text);
  // tsc's source map describes the file the launcher replaces.
  fs.rmSync(path.join(cli, `${name}.js.map`), { force: true });
  // An ASCII bundle is read as latin1: a copy into a one-byte string, where reading it as UTF-8
  // decoded 1.9 MB at every command (about 10 ms; a two-byte string when any character is not ASCII).
  return /^[\x00-\x7f]*$/.test(text) ? 'latin1' : 'utf8';
}

/**
 * The launcher, dist/cli/NAME.cjs: it runs the bundle from V8's code cache, named by `cacheName`
 * (an expression over `process.argv`), and writes that cache at exit when there is none or V8
 * refused it. It is CommonJS, so that Node starts it without its ES module loader (`ps` took
 * 3-9 ms less CPU than through the ES module path, in one run of 3 x 15 calls). dist/cli/NAME.js, tsc's entry, is
 * replaced by one line that runs it, for whoever starts the program by that path.
 */
function writeLauncher(name, bundleName, encoding, what, cacheName, { start = '', nodeFlags = [], tunables = '' } = {}) {
  // env -S expands ${GLIBC_TUNABLES}: the caller's own come after ours, and win where both name one.
  const env = tunables ? [`GLIBC_TUNABLES=${tunables}:\${GLIBC_TUNABLES}`] : [];
  const hashbang = `#!/usr/bin/env -S ${[...env, 'node', ...nodeFlags, '--'].join(' ')}`;
  // What the #! line added is this process's alone: a process it starts (an autostarted daemon) gets the caller's.
  const ownTunables = tunables ? `
const TUNABLES = '${tunables}:';
if (process.env.GLIBC_TUNABLES?.startsWith(TUNABLES)) {
  const callers = process.env.GLIBC_TUNABLES.slice(TUNABLES.length);
  if (callers) process.env.GLIBC_TUNABLES = callers;
  else delete process.env.GLIBC_TUNABLES;
}` : '';
  fs.writeFileSync(path.join(cli, `${name}.cjs`), `${hashbang}
${LAUNCHER} (${what}), written by scripts/bundle.mjs: it runs the bundle (${bundleName}) with
// V8's code cache, and writes that cache when there is none or V8 refused it.
'use strict';${ownTunables}
const { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const file = join(__dirname, '${bundleName}');
const cacheDir = join(__dirname, 'code-cache');
${cacheName}
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}
const script = new Script(readFileSync(file, '${encoding}'), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temp = cacheFile + '.' + process.pid;
    try {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch { // a read-only install runs without the cache
      try { unlinkSync(temp); } catch {}
    }
  });
}
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, require, bundled, file, __dirname, pathToFileURL(file).href);
module.exports = bundled.exports;
${start}`, { mode: 0o755 });
  fs.writeFileSync(path.join(cli, `${name}.js`), `${hashbang}
${LAUNCHER} (${what}) is ${name}.cjs, written by scripts/bundle.mjs; this is the path tsc's entry had.
import './${name}.cjs';
`, { mode: 0o755 });
}

// The CLI's bundle goes without msgpackr's native addon (launcherBundle.mjs says why).
const cliEncoding = await bundleOf('main', 'berth.cjs', WITHOUT_MSGPACKR_ADDON);
// The daemon's own bundle: berthd (and a CLI's autostart) loaded some 700 modules one by one,
// about 1 s of CPU before the daemon's first line ran, against 0.4 s from the bundle's cache.
const daemonEncoding = await bundleOf('daemon', 'berthd.cjs');
fs.rmSync(cacheDir, { recursive: true, force: true });
fs.rmSync(path.join(cli, 'berth.cjs.cache'), { force: true }); // where an earlier build kept its one cache
// The verbs and their aliases, which name the CLI's caches.
const { buildProgram } = await import(path.join(cli, 'program.js'));
const verbs = buildProgram().commands.flatMap((command) => [command.name(), ...command.aliases()]);
// The CLI runs node with --use-openssl-ca: its root store is then OpenSSL's default locations,
// which a command to its own daemon builds for almost nothing (cli/pinnedTrust.ts) instead of
// parsing every root Node bundles (33 ms of CPU in every command). A command that starts the
// launcher another way (node dist/cli/main.cjs) works the same, without that saving.
//
// Its #! line also sets two of glibc's malloc tunables, read when the process starts: malloc's
// heap grows 4 MiB at a time (top_pad) and asks for transparent huge pages (hugetlb=1, an
// madvise). A command's CPU goes largely to page faults (a first touch of fresh memory): on this
// machine (a PVM guest) each 4 KiB page costs about 10 µs, a 2 MiB huge page about as much as
// 20 of them. `ps` took 4,715 faults instead of 5,487 and 161 ms instead of 170, `--version`
// 94 ms instead of 104 (25 interleaved runs each; docs/ARCHITECTURE.md, the CLI). V8's own heap is mapped
// 256 KiB at a time, where no huge page fits: those faults stay.
writeLauncher('main', 'berth.cjs', cliEncoding, 'the CLI', `const VERBS = new Set(${JSON.stringify(verbs)});
const cacheFile = join(cacheDir, process.argv.slice(2).find((word) => VERBS.has(word)) ?? 'other');`, { nodeFlags: ['--use-openssl-ca'], tunables: 'glibc.malloc.hugetlb=1:glibc.malloc.top_pad=4194304' });
// The daemon's cache is written when it exits: at its first stop after a build.
// It starts berthd's program when it is the main program ('node daemon.cjs', or daemon.js's import,
// which leaves no CommonJS main), and only exports it when 'berth daemon' requires it: the CLI's
// bundle then holds none of the daemon (cli/commands/daemon.ts).
writeLauncher('daemon', 'berthd.cjs', daemonEncoding, 'the daemon', "const cacheFile = join(cacheDir, 'berthd');", { start:
  `if (require.main === module || require.main === undefined) {
  bundled.exports.main(process.argv).then((code) => { process.exitCode = code; });
}
` });
