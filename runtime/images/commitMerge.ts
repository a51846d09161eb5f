/**
 * A commit's own Config (the API's `POST /commit` body) over the container's, as Docker's
 * daemon merges them (daemon/commit.go, merge): what the given config sets wins, and the
 * container's fills in what it leaves out. Env and Labels add the container's keys it does not
 * set; ExposedPorts and Volumes are joined; Cmd comes from the container only when the config
 * sets neither Cmd nor Entrypoint, and Entrypoint only when the config does not name one (an
 * empty list clears it); a Healthcheck's empty Test and zero durations and retries are the
 * container's. Pure.
 */
import type { ImageRunConfig } from './configChanges.js';
import { mergeHealthcheck } from './healthcheckConfig.js';

const empty = (value: unknown[] | null | undefined) => !value || value.length === 0;
const keyOf = (entry: string) => entry.split('=')[0];

export function mergeCommitConfig(given: ImageRunConfig, container: ImageRunConfig): ImageRunConfig {
  const env = empty(given.Env) ? (container.Env ?? null)
    : [...given.Env!, ...(container.Env ?? []).filter((entry) => !given.Env!.some((own) => keyOf(own) === keyOf(entry)))];
  const entrypointGiven = !empty(given.Entrypoint);
  const { StopSignal: _given, ...rest } = given;
  const stopSignal = given.StopSignal || container.StopSignal;
  const { StopSignal: _container, ...inherited } = container;
  const healthcheck = mergeHealthcheck(given.Healthcheck, container.Healthcheck);
  return {
    ...inherited,
    ...rest,
    ...given,
    Env: env,
    Labels: { ...(container.Labels ?? {}), ...(given.Labels ?? {}) },
    ExposedPorts: empty(Object.keys(given.ExposedPorts ?? {})) ? (container.ExposedPorts ?? null) : { ...(container.ExposedPorts ?? {}), ...given.ExposedPorts },
    Volumes: empty(Object.keys(given.Volumes ?? {})) ? (container.Volumes ?? null) : { ...given.Volumes, ...(container.Volumes ?? {}) },
    Cmd: !entrypointGiven && empty(given.Cmd) ? (container.Cmd ?? null) : (given.Cmd ?? null),
    Entrypoint: !entrypointGiven && given.Entrypoint == null ? (container.Entrypoint ?? null) : (given.Entrypoint ?? null),
    WorkingDir: given.WorkingDir || container.WorkingDir || '',
    User: given.User || container.User || '',
    ...(stopSignal ? { StopSignal: stopSignal } : {}),
    ...(healthcheck !== undefined ? { Healthcheck: healthcheck } : {}),
  };
}
