/**
 * The builder `berth compose` gives up/run/build: a service's context sent from disk as
 * `berth build` sends it (cli/commands/build.ts), the build's progress printed to stderr in
 * BuildKit's plain style, prefixed with the service's name as Compose does.
 */
import { buildImage } from '../client/build.js';
import type { ServiceBuilder } from '../client/compose/build.js';
import type { EngineClient } from '../client/engineClient.js';
import { plainLine } from './buildProgress.js';
import { prepareContext } from './commands/build.js';

export function composeBuilder(client: EngineClient, quiet = false): ServiceBuilder {
  return async (build) => {
    const { context, ...dockerfile } = await prepareContext(build.context, { file: build.dockerfile });
    const run = buildImage(client, context, { ...build.options, ...dockerfile });
    const printing = (async () => {
      for await (const event of run.events) if (!quiet) process.stderr.write(`${build.service} ${plainLine(event)}`);
    })();
    const result = await run.result.finally(() => printing);
    return result.id;
  };
}
