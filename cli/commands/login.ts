/** `berth login [SERVER]`: checks credentials with the registry and keeps them for pulls (see ImageStore). */
import { ValidationError } from '../../events/errors.js';
import { connectClient, type GlobalOptions } from '../client.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export default async function login(server: string | undefined, opts: { username?: string; password?: string; passwordStdin?: boolean }, globals: GlobalOptions): Promise<number> {
  if (!opts.username) throw new ValidationError('login: give a username with -u (berth does not prompt)');
  if (opts.password && opts.passwordStdin) throw new ValidationError('--password and --password-stdin are mutually exclusive');
  const password = opts.passwordStdin ? await readStdin() : opts.password;
  if (!password) throw new ValidationError('login: give a password with -p or --password-stdin');
  if (opts.password) process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  const client = await connectClient(globals);
  try {
    await client.request({ op: 'image.login', server, username: opts.username, password });
    process.stdout.write('Login Succeeded\n');
    return 0;
  } finally {
    await client.close();
  }
}
