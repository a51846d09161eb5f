/**
 * What a bundle run by berth's launcher is made of (scripts/bundle.mjs writes the CLI's and the
 * daemon's; bench/subjects.mjs the start-latency bench's minimal Node client): esbuild's options
 * and the function the launcher calls.
 */

/** esbuild's options for a bundle the launcher runs: minified CommonJS for Node 20, ASCII. */
export const LAUNCHER_BUNDLE = {
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // msgpackr's optional native addon is found at run time, if installed, from node_modules.
  external: ['msgpackr-extract'],
  // Non-ASCII escaped, as far as esbuild goes (not in regular expression literals: below).
  charset: 'ascii',
  logLevel: 'warning',
};

/**
 * msgpackr loads its native addon (msgpackr-extract: a resolution, node-gyp-build's search, a
 * dlopen) when its module is evaluated: about 10 ms of a command's CPU in a profile of `run
 * --rm`, for a speed-up of decoding long strings that a command's few small messages never
 * see. A command's bundle reads the switch msgpackr offers as set; the daemon's keeps the addon.
 */
export const WITHOUT_MSGPACKR_ADDON = { 'process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED': '"true"' };

/**
 * esbuild's output as the function the launcher calls: the entry's hashbang cannot stay on its
 * first line. Wrapped here rather than by the launcher, whose concatenation V8 then copied whole
 * into one flat string before compiling (0.9 MB of fresh heap, about 230 page faults, at every
 * command). What esbuild leaves outside ASCII (a dependency's regular expression literal:
 * @nats-io/jetstream's µs) is escaped as \uXXXX, which means the same there and in strings.
 */
export function launcherFunction(output) {
  const body = output.replace(/^#!.*/, '').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `(function (exports, require, module, __filename, __dirname, __berthModuleUrl) {${body}\n})`;
}
