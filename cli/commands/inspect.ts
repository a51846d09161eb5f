/** `berth inspect`: containers and images as Docker-shaped JSON. */
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { connectClient, type EngineClient, type GlobalOptions } from '../client.js';
import { inspectEach } from './each.js';
import { render } from '../../events/template.js';
import { parseTemplate } from '../../events/templateParse.js';
import { containerJson, imageJson } from '../../client/views/inspect.js';
import { volumeJson } from '../../client/views/volume.js';

async function inspectOne(client: EngineClient, ref: string, type?: string, size?: boolean): Promise<object> {
  if (type === 'volume') return volumeJson(await client.request({ op: 'volume.inspect', name: ref }));
  if (type !== 'image') {
    try {
      return containerJson(await client.request({ op: 'container.inspect', ref, size }));
    } catch (error) {
      if (!(error instanceof NotFoundError) || type === 'container') throw error;
    }
  }
  try {
    return imageJson(await client.request({ op: 'image.inspect', ref }));
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`No such object: ${ref}`);
    throw error;
  }
}

export default async function inspect(names: string[], opts: { type?: string; format?: string; size?: boolean }, globals: GlobalOptions): Promise<number> {
  if (opts.type && opts.type !== 'container' && opts.type !== 'image' && opts.type !== 'volume') {
    throw new ValidationError(`"${opts.type}" is not a valid value for --type: use container, image or volume`);
  }
  const template = opts.format && opts.format !== 'json' ? parseTemplate(opts.format) : null;
  const client = await connectClient(globals);
  try {
    if (template) {
      // As Docker: one rendered line per object found, an error line for each miss.
      let code = 0;
      for (const name of names) {
        try {
          process.stdout.write(`${render(template, await inspectOne(client, name, opts.type, opts.size))}\n`);
        } catch (error) {
          process.stderr.write(`berth: ${(error as Error).message}\n`);
          code = 1;
        }
      }
      return code;
    }
    return await inspectEach(names, (name) => inspectOne(client, name, opts.type, opts.size));
  } finally {
    await client.close();
  }
}
