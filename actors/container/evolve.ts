/** evolve: the container's data after one event. Pure; used live and in replay. */
import type { ContainerEvent } from '../../events/container.js';
import type { ContainerData } from './state.js';

export function evolveContainer(data: ContainerData, event: ContainerEvent): ContainerData {
  switch (event.type) {
    case 'container.created':
      return { ...data, config: event.data, created: event.time };
    case 'container.starting':
      return { ...data, error: null };
    case 'container.started':
      return {
        ...data, pid: event.data.pid, shimPid: event.data.shimPid, startedAt: event.time,
        exitCode: null, signal: null, oomKilled: false, finishedAt: null,
      };
    case 'container.start_failed':
      return { ...data, exitCode: event.data.exitCode, error: event.data.error, finishedAt: event.time, pid: null, shimPid: null };
    case 'container.died':
      return {
        ...data, exitCode: event.data.exitCode, signal: event.data.signal, oomKilled: event.data.oomKilled,
        finishedAt: event.time, pid: null, shimPid: null,
      };
    case 'container.killed':
    case 'container.stopping':
    case 'container.stopped':
    case 'container.removing':
    case 'container.destroyed':
      return data;
  }
}
