/**
 * A build's events printed in BuildKit's plain style (`--progress plain`): `#N name`, the RUN
 * output as `#N 0.123 line`, then `#N CACHED`, `#N DONE 0.4s` or `#N ERROR: ...`, a blank line
 * between steps. Pure: events in, text out.
 */
import type { BuildEvent } from '../events/requests.js';

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(1);

export function plainLine(event: BuildEvent): string {
  const id = `#${event.vertex}`;
  switch (event.status) {
    case 'started':
      return `${id} ${event.name}\n`;
    case 'log':
      return `${id} ${((event.elapsedMs ?? 0) / 1000).toFixed(3)} ${event.text ?? ''}\n`;
    case 'cached':
      return `${id} CACHED\n\n`;
    case 'done':
      return `${id} DONE ${seconds(event.elapsedMs)}s\n\n`;
    case 'error':
      return `${id} ERROR: ${event.text ?? ''}\n\n`;
    case 'info':
      return `${event.text ?? ''}\n`;
  }
}
