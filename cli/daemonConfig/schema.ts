/**
 * `/etc/berth/daemon.json`: the daemon's settings in a file, in the spirit of Docker's
 * daemon.json. Keys take Docker's names where Docker has the setting (data-root, exec-root,
 * labels, log-level, bridge, log-driver, log-opts, metrics-addr) and the flag's name otherwise.
 * Strict: an unknown key or a bad value refuses the whole file. Pure.
 */
import path from 'node:path';
import * as z from 'zod';
import { SUBJECT_TOKEN } from '../../events/subjects.js';
import { LEVELS } from '../../log/logger.js';
import { parseLogConfig, parseLogDriver } from '../../events/logDrivers.js';
import { parseHostLost } from '../../events/hostTimings.js';
import { parseBytes, parsePairs, parseTime } from '../parse.js';

/** Whether `check` accepts the value; its error message becomes the issue's. */
const accepted = (check: (value: string) => unknown) => (value: string, ctx: z.RefinementCtx) => {
  try {
    check(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
};

const absolutePath = z.string().refine((p) => path.isAbsolute(p), 'want an absolute path');

export const DaemonFile = z.strictObject({
  'data-root': absolutePath.optional(),
  'exec-root': absolutePath.optional(),
  /** The external NATS to join instead of the embedded one. */
  nats: z.url().optional(),
  /** Credentials for the external NATS (a .creds file). */
  creds: absolutePath.optional(),
  'host-id': z.string().regex(SUBJECT_TOKEN, 'use letters, digits, \'-\' and \'_\'').optional(),
  /** Docker's form: ["key=value", ...]. */
  labels: z.array(z.string().superRefine(accepted((entry) => parsePairs([entry], 'label')))).optional(),
  'log-level': z.enum([...LEVELS, 'warning']).optional(),
  bridge: z.string().min(1).optional(),
  /** The default driver of new containers: json-file (the default), local, none or journald. */
  'log-driver': z.string().superRefine(accepted(parseLogDriver)).optional(),
  /** Docker's form: {"max-size": "10m", "max-file": "3"}: options of the default driver (checked below). */
  'log-opts': z.record(z.string(), z.string()).optional(),
  snapshots: z.boolean().optional(),
  /** How long the history of removed containers is kept: a duration like 168h. */
  retention: z.string().superRefine(accepted((d) => parseTime(d, 'retention'))).optional(),
  /** The events stream's byte limit: a size like 512m or 2g (default 1g). */
  'events-max-bytes': z.string().superRefine(accepted((size) => parseBytes(size, 'events-max-bytes'))).optional(),
  /** HOST:PORT where /metrics is served (off when absent). */
  'metrics-addr': z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'use HOST:PORT').optional(),
  /** Docker's userns-remap: default, USER or USER:GROUP (ranges from /etc/subuid and /etc/subgid). */
  'userns-remap': z.string().regex(/^[^:\s]+(:[^:\s]+)?$/, 'use default, USER or USER:GROUP').optional(),
  /** The unix socket of the Docker Engine API. */
  'docker-socket': absolutePath.optional(),
  /**
   * A CLI user's credentials (berth-cluster init --user): with them, the Docker API socket sees
   * and commands the whole cluster; without, a daemon with a host's credentials serves its own host.
   */
  'docker-api-creds': absolutePath.optional(),
  /**
   * The lost threshold of the heartbeat bucket this daemon creates (a duration like 6s, the
   * default); an existing bucket's must be the same (events/hostTimings.ts).
   */
  'host-lost': z.string().superRefine(accepted((d) => parseHostLost(d))).optional(),
  /** The link overlay networks' VXLAN traffic goes over (default: the default route's). */
  'data-interface': z.string().regex(/^[^\s/]{1,15}$/, 'want a link name').optional(),
}).superRefine((file, ctx) => {
  // The options are the default driver's: checked against the file's log-driver, else json-file.
  if (!file['log-opts']) return;
  try {
    parseLogConfig(file['log-driver'] ?? 'json-file', Object.entries(file['log-opts']));
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: ['log-opts'], message: (error as Error).message });
  }
});
export type DaemonFile = z.infer<typeof DaemonFile>;

/** One line naming what is wrong, as dockerd says it ("the following directives don't match..."). */
export function describeProblem(error: z.ZodError): string {
  const unknown = error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  if (unknown.length) return `the following directives don't match any configuration option: ${unknown.join(', ')}`;
  const issue = error.issues[0]!;
  const key = issue.path.length ? issue.path.map(String).join('.') : '(the file)';
  return `invalid value for ${JSON.stringify(key)}: ${issue.message}`;
}
