/** `berth volume ls`: a table, names (-q) or JSON lines; filters as Docker's. */
import { ValidationError } from '../../events/errors.js';
import type { VolumeView } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { table } from '../output.js';
import { formatList } from '../template.js';

/** Docker's volume filters: dangling=true|false, name=SUBSTRING, label=KEY[=VALUE], driver=NAME. */
export function volumeFilter(filters: string[]): (view: VolumeView) => boolean {
  const tests = filters.map((filter) => {
    const eq = filter.indexOf('=');
    const key = filter.slice(0, eq);
    const value = filter.slice(eq + 1);
    switch (eq === -1 ? filter : key) {
      case 'dangling': {
        if (!['true', 'false', '1', '0'].includes(value)) throw new ValidationError(`invalid filter 'dangling=${value}'`);
        const dangling = value === 'true' || value === '1';
        return (v: VolumeView) => (v.users.length === 0) === dangling;
      }
      case 'name': return (v: VolumeView) => v.name.includes(value);
      case 'driver': return (v: VolumeView) => v.driver === value;
      case 'label': {
        const at = value.indexOf('=');
        return at === -1 ? (v: VolumeView) => value in v.labels : (v: VolumeView) => v.labels[value.slice(0, at)] === value.slice(at + 1);
      }
      default: throw new ValidationError(`invalid filter '${eq === -1 ? filter : key}'`);
    }
  });
  return (view) => tests.every((test) => test(view));
}

export default async function volumeLs(opts: { quiet?: boolean; filter: string[]; format?: string }, globals: GlobalOptions): Promise<number> {
  const keep = volumeFilter(opts.filter);
  const client = await connectClient(globals);
  try {
    const views = (await client.request({ op: 'volume.list' })).filter(keep);
    if (opts.format && opts.format !== 'json' && opts.format !== 'table' && !opts.quiet) {
      process.stdout.write(formatList(opts.format, views.map((v) => ({
        Driver: v.driver, Labels: Object.entries(v.labels).map(([k, val]) => `${k}=${val}`).join(','), Mountpoint: v.mountpoint,
        Name: v.name, Scope: 'local', Host: v.host, Links: String(v.users.length),
      })), { Name: 'VOLUME NAME' }));
    } else if (opts.quiet) process.stdout.write(views.map((v) => `${v.name}\n`).join(''));
    else if (opts.format === 'json') {
      process.stdout.write(views.map((v) => `${JSON.stringify({
        Driver: v.driver, Labels: Object.entries(v.labels).map(([k, val]) => `${k}=${val}`).join(','), Mountpoint: v.mountpoint,
        Name: v.name, Scope: 'local', Host: v.host, Links: String(v.users.length),
      })}\n`).join(''));
    } else {
      process.stdout.write(table(['DRIVER', 'VOLUME NAME'], views.map((v) => [v.driver, v.name])));
    }
    return 0;
  } finally {
    await client.close();
  }
}
