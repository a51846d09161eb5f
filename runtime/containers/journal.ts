/**
 * The journald driver's host side: where journald's socket is, whether it runs here, and the
 * fields Docker's journald driver sends with every line (the shim sends them:
 * runtime/native/journal.c).
 */
import fs from 'node:fs';
import os from 'node:os';
import { ValidationError } from '../../events/errors.js';
import type { ContainerConfig } from '../../events/container.js';
import { journalFieldName, logAttributes } from '../../events/logAttributes.js';
import { renderLogTag } from '../../events/logTag.js';

/** journald's native socket; BERTH_JOURNAL_SOCKET names another (a test's own listener). */
export function journalSocket(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_JOURNAL_SOCKET || '/run/systemd/journal/socket';
}

/** Refuses the journald driver where no journald listens, in dockerd's words. */
export function checkJournal(socket = journalSocket()): void {
  let isSocket = false;
  try {
    isSocket = fs.statSync(socket).isSocket();
  } catch {
    isSocket = false;
  }
  if (!isSocket) throw new ValidationError(`failed to initialize logging driver: journald is not enabled on this host (no socket at ${socket})`);
}

/** A field's value on one line of the protocol's simple form: no newline in it. */
const oneLine = (value: string) => value.replace(/\n/g, ' ');

/**
 * Docker's fields: CONTAINER_ID (short), CONTAINER_ID_FULL, CONTAINER_NAME, CONTAINER_TAG and
 * SYSLOG_IDENTIFIER (the tag template rendered, by default the short id), IMAGE_NAME, and the attributes of the
 * labels/env options under journald's names (`env`: the container's, opened). Pure.
 */
export function journalFields(id: string, config: Pick<ContainerConfig, 'name' | 'image' | 'imageRef' | 'cmd' | 'logConfig' | 'labels'>, env: readonly string[], hostname = os.hostname()): string[] {
  const tag = oneLine(renderLogTag(config.logConfig?.tag, { id, config, hostname }));
  const attrs = Object.entries(logAttributes(config.logConfig, config.labels, env, journalFieldName)).filter(([key]) => key !== '').map(([key, value]) => `${key}=${oneLine(value)}`);
  return [
    `CONTAINER_ID=${id.slice(0, 12)}`,
    `CONTAINER_ID_FULL=${id}`,
    `CONTAINER_NAME=${oneLine(config.name)}`,
    `CONTAINER_TAG=${tag}`,
    `SYSLOG_IDENTIFIER=${tag}`,
    `IMAGE_NAME=${oneLine(config.imageRef)}`,
    ...attrs,
  ];
}
