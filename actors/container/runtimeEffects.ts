/**
 * Effects of pause, unpause and exec, provided to the live container machine with the others
 * (effects.ts). The worker's answers come back as commands.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ContainerEvent } from '../../events/container.js';
import type { ContainerEffectDeps } from './effects.js';
import type { ContainerData } from './state.js';

type Action = (args: { context: ContainerData; event: ContainerEvent }) => void;

export function runtimeActions(deps: ContainerEffectDeps): { freezeProcess: Action; thawProcess: Action; startExec: Action } {
  const warn = (what: string, id: string) => (error: Error) => deps.log.error(`${what} failed`, { container: id.slice(0, 12), error });
  return {
    freezeProcess: ({ context }) => void deps.worker.pause(context.id).catch(warn('pause', context.id)),
    thawProcess: ({ context }) => void deps.worker.unpause(context.id).catch(warn('unpause', context.id)),
    startExec: ({ context, event }) => {
      if (event.type !== 'container.exec_created' || !context.pid || !context.config) return;
      const { execId } = event.data;
      const publish = deps.publishExecOutput ?? (() => {});
      // a character split between two reads is kept until its end comes
      const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      const flush = () => {
        for (const stream of ['stdout', 'stderr'] as const) {
          const rest = decoders[stream].end();
          if (rest) publish(context.id, execId, { stream, data: rest });
        }
      };
      let running;
      try {
        running = deps.worker.exec(context.id, context.pid, context.config, event.data, (stream, data) => {
          const text = decoders[stream].write(data);
          if (text) publish(context.id, execId, { stream, data: text });
        });
      } catch (error) {
        publish(context.id, execId, { eof: true });
        deps.dispatch(context.id, { type: 'ReportExecExited', execId, exitCode: 125, error: (error as Error).message });
        return;
      }
      running.started.then(
        (pid) => {
          deps.dispatch(context.id, { type: 'ReportExecStarted', execId, pid });
          void running.exited.then((exitCode) => {
            flush();
            publish(context.id, execId, { eof: true });
            deps.dispatch(context.id, { type: 'ReportExecExited', execId, exitCode });
          });
        },
        (error: Error & { exitCode?: number }) => {
          publish(context.id, execId, { eof: true });
          deps.dispatch(context.id, { type: 'ReportExecExited', execId, exitCode: error.exitCode ?? 125, error: error.message });
        },
      );
    },
  };
}
