/** `berth diff CONTAINER`: A, C and D lines for what the container changed over its image. */
import { connectClient, type GlobalOptions } from '../client.js';

export default async function diff(container: string, _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const { changes } = await client.request({ op: 'container.diff', ref: container });
    process.stdout.write(changes.map((c) => `${c.kind} ${c.path}\n`).join(''));
    return 0;
  } finally {
    await client.close();
  }
}
