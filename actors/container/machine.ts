/**
 * The container statechart. Its states mirror the lifecycle and its events are the recorded
 * events: every transition folds `evolveContainer` into the context. The effect actions are
 * named here and do nothing; the live actor provides them (effects.ts), while replay runs the
 * machine through xstate's pure `transition()`, which never executes actions.
 */
import { assign, setup } from 'xstate';
import type { ContainerEvent } from '../../events/container.js';
import { evolveContainer } from './evolve.js';
import { STATUS_TAGS, type StatusTag } from '../../events/containerStatus.js';
import { initialContainerData, type ContainerData } from './state.js';

const evolve = { type: 'evolve' } as const;

export const containerMachine = setup({
  types: {} as {
    context: ContainerData;
    events: ContainerEvent;
    input: { id: string; host: string };
    tags: StatusTag;
  },
  actions: {
    evolve: assign(({ context, event }) => evolveContainer(context, event)),
    /** Ask the worker to start the process; it reports back with ReportStarted or ReportStartFailed. */
    startProcess: () => {},
    /** Watch the running process: stream its output and report its exit with ReportExited. */
    watchProcess: () => {},
    /** Send the signal the killed event names. */
    signalProcess: () => {},
    /** Arm the deadline: SIGKILL after the timeout, unless the container has exited by then. */
    stopProcess: () => {},
    /** Kill what is left, delete the cgroup and the container's dirs; reports ReportRemoved. */
    removeContainer: () => {},
    /** Ask for removal when the container was created with --rm. */
    autoRemove: () => {},
    /** Apply changed limits to the running container's cgroup. */
    applyLimits: () => {},
    /** Start it again when the restart policy's delay has passed. */
    scheduleRestart: () => {},
    /** Freeze every process of the container (the cgroup freezer). */
    freezeProcess: () => {},
    /** Thaw them. */
    thawProcess: () => {},
    /** Run the exec the event describes; reports ReportExecStarted and ReportExecExited. */
    startExec: () => {},
  },
}).createMachine({
  id: 'container',
  initial: 'none',
  context: ({ input }) => initialContainerData(input),
  on: {
    // Allowed in every state that exists; decide refuses the rest.
    'container.exec_started': { actions: evolve },
    'container.exec_died': { actions: evolve },
    'container.oom': { actions: evolve },
    'container.renamed': { actions: evolve },
    'container.updated': { actions: [evolve, 'applyLimits'] },
    'container.fenced': { actions: evolve },
    'container.self_fenced': { actions: evolve },
    'container.rescheduled': { actions: evolve },
  },
  states: {
    none: { tags: STATUS_TAGS.none, on: { 'container.created': { target: 'created', actions: evolve } } },
    created: {
      tags: STATUS_TAGS.created,
      on: {
        'container.starting': { target: 'starting', actions: evolve },
        'container.removing': { target: 'removing', actions: evolve },
      },
    },
    starting: {
      tags: STATUS_TAGS.starting,
      entry: 'startProcess',
      on: {
        'container.started': { target: 'running', actions: evolve },
        'container.start_failed': { target: 'exited', actions: evolve },
        'container.removing': { target: 'removing', actions: evolve },
      },
    },
    running: {
      tags: STATUS_TAGS.running,
      entry: 'watchProcess',
      on: {
        'container.paused': { target: 'paused', actions: [evolve, 'freezeProcess'] },
        'container.exec_created': { actions: [evolve, 'startExec'] },
        'container.health_status': { actions: evolve },
        'container.killed': { actions: [evolve, 'signalProcess'] },
        'container.stopping': { target: 'stopping', actions: evolve },
        'container.died': { target: 'exited', actions: evolve },
        'container.removing': { target: 'removing', actions: evolve },
      },
    },
    paused: {
      tags: STATUS_TAGS.paused,
      on: {
        'container.unpaused': { target: 'running', actions: [evolve, 'thawProcess'] },
        'container.health_status': { actions: evolve },
        'container.died': { target: 'exited', actions: evolve },
        'container.removing': { target: 'removing', actions: evolve },
      },
    },
    stopping: {
      tags: STATUS_TAGS.stopping,
      entry: 'stopProcess',
      on: {
        'container.killed': { actions: [evolve, 'signalProcess'] },
        'container.died': { target: 'exited', actions: evolve },
        'container.removing': { target: 'removing', actions: evolve },
      },
    },
    exited: {
      tags: STATUS_TAGS.exited,
      entry: 'autoRemove',
      on: {
        'container.stopped': { actions: evolve },
        'container.restarting': { target: 'restarting', actions: evolve },
        'container.starting': { target: 'starting', actions: evolve },
        'container.removing': { target: 'removing', actions: evolve },
      },
    },
    restarting: {
      tags: STATUS_TAGS.restarting,
      entry: 'scheduleRestart',
      on: {
        'container.starting': { target: 'starting', actions: evolve },
        'container.stopped': { target: 'exited', actions: evolve },
        'container.removing': { target: 'removing', actions: evolve },
      },
    },
    removing: {
      tags: STATUS_TAGS.removing,
      entry: 'removeContainer',
      on: {
        'container.died': { actions: evolve },
        'container.destroyed': { target: 'removed', actions: evolve },
        'container.removal_failed': { target: 'dead', actions: evolve },
      },
    },
    removed: { tags: STATUS_TAGS.removed, type: 'final' },
    dead: { tags: STATUS_TAGS.dead, on: { 'container.removing': { target: 'removing', actions: evolve } } },
  },
});

export type ContainerMachine = typeof containerMachine;
