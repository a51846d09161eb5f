/** evolve: the container's data after one event. Pure; used live and in replay. */
import type { ContainerEvent } from '../../events/container.js';
import type { ContainerData } from './state.js';

export function evolveContainer(data: ContainerData, event: ContainerEvent): ContainerData {
  switch (event.type) {
    case 'container.created':
      return { ...data, config: event.data, created: event.time };
    case 'container.starting':
      return {
        ...data, error: null, manuallyStopped: false, restartDueAt: null,
        ...(event.data.byRestartPolicy ? {} : { restartCount: 0, restartDelayMs: 0 }),
      };
    case 'container.stopping':
    case 'container.stopped':
      return { ...data, manuallyStopped: true, restartDueAt: null };
    case 'container.restarting':
      return {
        ...data, restartCount: event.data.restartCount, restartDelayMs: event.data.delayMs,
        restartDueAt: event.time + event.data.delayMs,
      };
    case 'container.started':
      return {
        ...data,
        health: data.config?.healthcheck ? { status: 'starting', failingStreak: 0 } : null, pid: event.data.pid, shimPid: event.data.shimPid, startedAt: event.data.at ?? event.time,
        exitCode: null, signal: null, oomKilled: false, finishedAt: null,
      };
    case 'container.start_failed':
      return { ...data, exitCode: event.data.exitCode, error: event.data.error, finishedAt: event.time, pid: null, shimPid: null };
    case 'container.died':
      return {
        ...data, exitCode: event.data.exitCode, signal: event.data.signal, oomKilled: event.data.oomKilled,
        finishedAt: event.time, pid: null, shimPid: null,
      };
    case 'container.renamed':
      return { ...data, config: { ...data.config!, name: event.data.name } };
    case 'container.updated': {
      const resources = event.data.resources ? { resources: { ...data.config!.resources, ...event.data.resources } } : {};
      return { ...data, config: { ...data.config!, ...event.data, ...resources } };
    }
    case 'container.removal_failed':
      return { ...data, error: event.data.error };
    case 'container.health_status':
      return { ...data, health: { status: event.data.status, failingStreak: event.data.failingStreak } };
    case 'container.fenced':
      return { ...data, fenced: { host: event.data.host, container: event.data.container, reason: event.data.reason } };
    case 'container.rescheduled':
      return { ...data, rescheduledFrom: { host: event.data.host, container: event.data.container, reason: event.data.reason } };
    case 'container.destroyed':
      return { ...data, removedAt: event.time };
    case 'container.killed':
    case 'container.self_fenced':
    case 'container.removing':
    case 'container.paused':
    case 'container.unpaused':
    case 'container.exec_created':
    case 'container.exec_started':
    case 'container.exec_died':
    case 'container.oom':
      return data;
  }
}
