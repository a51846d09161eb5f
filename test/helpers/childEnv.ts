/**
 * The environment of the processes a test starts (the CLI, the daemon): without tap's
 * processinfo hook. tap puts `--import=…/@tapjs/processinfo/…` in NODE_OPTIONS so that every
 * node process under a test records itself for coverage; with coverage off (package.json's
 * tap settings) it records for nothing, and it loaded in every CLI command and daemon: it
 * doubled the CPU of `berth --version` (0.27 s user+sys without, 0.55-0.71 s with, at load 19).
 */
export function withoutTapHooks(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.TAP_DISABLE_COVERAGE !== '1' || !env.NODE_OPTIONS) return env;
  const kept = env.NODE_OPTIONS.split(/\s+/).filter((option) => option && !option.includes('@tapjs/processinfo'));
  const stripped: NodeJS.ProcessEnv = { ...env, NODE_OPTIONS: kept.join(' ') };
  if (kept.length === 0) delete stripped.NODE_OPTIONS;
  return stripped;
}

/**
 * `env`'s arguments that give a child exactly `env`'s NODE_OPTIONS. tap's process hook wraps
 * spawn and puts itself back in every child's NODE_OPTIONS, whatever withoutTapHooks removed: a
 * child started as `env -u NODE_OPTIONS <program>` (or `env NODE_OPTIONS=…`) is out of its reach.
 * Without it every CLI command of a test loaded the hook (about doubling its CPU).
 */
export function nodeOptionsArgs(env: NodeJS.ProcessEnv): string[] {
  return env.NODE_OPTIONS ? [`NODE_OPTIONS=${env.NODE_OPTIONS}`] : ['-u', 'NODE_OPTIONS'];
}
