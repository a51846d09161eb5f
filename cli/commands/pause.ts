/** `berth pause`: freeze every process of each container (the cgroup freezer); unpause.ts thaws. */
import { connectClient, type GlobalOptions } from '../client.js';
import { eachContainer } from './each.js';

/** The verb that sends `op` for each container and prints its name. */
export function freezerVerb(op: 'container.pause' | 'container.unpause') {
  return async (containers: string[], _opts: object, globals: GlobalOptions): Promise<number> => {
    const client = await connectClient(globals);
    try {
      return await eachContainer(containers, (ref) => client.request({ op, ref }));
    } finally {
      await client.close();
    }
  };
}

export default freezerVerb('container.pause');
