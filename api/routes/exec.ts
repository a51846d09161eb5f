/** Exec: create (kept here until started), start (hijacked or not; its JSON body may come with the upgrade), inspect. */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import * as z from 'zod';
import { followContainer, OUTPUT_GRACE_MS } from '../../client/followContainer.js';
import { isRunning } from '../../events/containerStatus.js';
import { ConflictError, NotFoundError, ValidationError } from '../../events/errors.js';
import type { ApiContext } from '../context.js';
import { checkBody, MAX_JSON_BODY, param, parseJson, readBody, sendEmpty, sendJson, type ApiRequest } from '../http.js';
import type { Route } from '../routes.js';
import { outputBytes } from '../stdcopy.js';
import { MULTIPLEXED_STREAM, RAW_STREAM, openStream, whenClientGone } from '../stream.js';
import { readUpgradeBody } from '../upgradeBody.js';
import { AttachInput } from '../attachInput.js';
import { resizeTerminal } from '../resize.js';

const ExecBody = z.object({
  Cmd: z.array(z.string()).min(1, 'No exec command specified'),
  Env: z.array(z.string()).nullish(),
  WorkingDir: z.string().nullish(),
  User: z.string().nullish(),
  AttachStdin: z.boolean().nullish(),
  AttachStdout: z.boolean().nullish(),
  AttachStderr: z.boolean().nullish(),
  Tty: z.boolean().nullish(),
  Privileged: z.boolean().nullish(),
}).passthrough();

async function create(request: ApiRequest, res: ServerResponse, { client, execs }: ApiContext): Promise<void> {
  const body = checkBody(ExecBody, parseJson(await readBody(request.req)));
  if (body.WorkingDir && !body.WorkingDir.startsWith('/')) throw new ValidationError(`the working directory '${body.WorkingDir}' is invalid, it needs to be an absolute path`);
  const view = await client.request({ op: 'container.inspect', ref: param(request, 'id') });
  if (!isRunning(view.status)) throw new ConflictError(`container ${view.id} is not running`);
  const id = randomBytes(32).toString('hex');
  execs.add({
    id, container: view.id, running: false, started: false, exitCode: null, pid: 0,
    attachStdout: body.AttachStdout ?? true, attachStderr: body.AttachStderr ?? true,
    config: {
      execId: id, cmd: body.Cmd, env: body.Env ?? [], workingDir: body.WorkingDir ?? '', user: body.User ?? '',
      ...(body.AttachStdin ? { openStdin: true } : {}),
      ...(body.Tty ? { tty: true } : {}), ...(body.Privileged ? { privileged: true } : {}),
    },
  });
  sendJson(res, 201, { Id: id });
}

async function start(request: ApiRequest, res: ServerResponse, { client, execs }: ApiContext): Promise<void> {
  const entry = execs.get(param(request, 'id'));
  if (!entry) throw new NotFoundError(`No such exec instance: ${param(request, 'id')}`);
  if (entry.started) throw new ConflictError(`Exec ${entry.id} has already been started`);
  const { body: raw, rest } = request.upgrade ? await readUpgradeBody(request.req, request.upgrade, MAX_JSON_BODY) : { body: await readBody(request.req), rest: Buffer.alloc(0) };
  const body = checkBody(z.object({ Detach: z.boolean().nullish(), Tty: z.boolean().nullish() }).passthrough(), parseJson(raw));
  entry.started = true;
  const exec = { op: 'container.exec' as const, ref: entry.container, exec: entry.config };
  if (body.Detach) {
    entry.running = true;
    const { client: target } = await client.toContainer(entry.container);
    const follow = await followContainer(target.nc, { host: target.host, container: entry.container, execId: entry.id, outputGraceMs: OUTPUT_GRACE_MS }, () => {});
    await client.request(exec);
    // The connection dropped first (client/connectionLost.ts): the end is unknown, the entry stays as it is.
    void follow.ended.then((end) => { entry.running = false; entry.exitCode = end.exitCode; }, () => {}).finally(() => follow.close());
    return sendEmpty(res, 200);
  }
  const tty = entry.config.tty ?? false;
  const wanted = { stdout: entry.attachStdout, stderr: entry.attachStderr };
  const { client: target } = await client.toContainer(entry.container);
  const pending: Buffer[] = [];
  let out: NodeJS.WritableStream | null = null;
  const follow = await followContainer(target.nc, { host: target.host, container: entry.container, execId: entry.id, outputGraceMs: OUTPUT_GRACE_MS }, (stream, data) => {
    if (!wanted[stream]) return;
    const bytes = outputBytes(stream, data, tty);
    if (out) out.write(bytes); else pending.push(bytes);
  });
  try {
    await client.request(exec);
  } catch (error) {
    follow.close();
    entry.exitCode = 126;
    throw error;
  }
  entry.running = true;
  out = openStream(request, res, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
  for (const bytes of pending) out.write(bytes);
  const input = request.upgrade && entry.config.openStdin
    ? new AttachInput(client.layout.execSocket(entry.id), request.upgrade.socket, rest, tty)
    : null;
  const gone = new Promise<void>((resolve) => whenClientGone(request, res, resolve));
  const end = await Promise.race([follow.ended, gone.then(() => null)]);
  if (end) {
    entry.exitCode = end.exitCode;
    entry.running = false;
    if (end.error) out.write(outputBytes('stderr', `${end.error}\n`, tty));
  } else {
    void follow.ended.then((late) => { entry.exitCode = late.exitCode; entry.running = false; }, () => {});
  }
  follow.close();
  await input?.close();
  out.end();
}

/** As long as the CLI's own attach waits for a shim socket (client/shimConnection.ts). */
const EXEC_SOCKET_WAIT_MS = 2000;

export const execRoutes: Route[] = [
  ['POST', '/exec/:id/resize', async (request, res, { client, execs }) => {
    const entry = execs.get(param(request, 'id'));
    if (!entry) throw new NotFoundError(`No such exec instance: ${param(request, 'id')}`);
    if (!entry.running) throw new ConflictError(`exec ${entry.id} is not running`);
    // The start is answered before the exec's shim has bound its socket (a container's exists
    // before `started`), and clients resize right after the start: the socket is waited for.
    await resizeTerminal(client.layout.execSocket(entry.id), request.query, EXEC_SOCKET_WAIT_MS);
    sendEmpty(res, 200);
  }],
  ['POST', '/containers/:id/exec', create],
  ['POST', '/exec/:id/start', start],
  ['GET', '/exec/:id/json', async (request, res, { execs }) => {
    const entry = execs.get(param(request, 'id'));
    if (!entry) throw new NotFoundError(`No such exec instance: ${param(request, 'id')}`);
    sendJson(res, 200, {
      ID: entry.id, ContainerID: entry.container, Running: entry.running, ExitCode: entry.exitCode, Pid: entry.pid,
      OpenStdin: entry.config.openStdin ?? false, OpenStdout: entry.attachStdout, OpenStderr: entry.attachStderr, CanRemove: false, DetachKeys: '',
      ProcessConfig: {
        tty: entry.config.tty ?? false, entrypoint: entry.config.cmd[0], arguments: entry.config.cmd.slice(1),
        privileged: entry.config.privileged ?? false, user: entry.config.user,
      },
    });
  }],
];
