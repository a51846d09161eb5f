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
