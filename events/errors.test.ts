import { promises as fs } from 'node:fs';
import t from 'tap';
import { decode, encode } from './codec.js';
import * as errors from './errors.js';
import { BerthError, ConflictError, errorFromWire, errorToWire, ExecError, InitError, SystemError } from './errors.js';
import { Reply } from './requests.js';

/** One instance of every exported error class, with every field it carries set. */
const samples: Record<string, () => BerthError> = {
  BerthError: () => new errors.BerthError('the engine failed'),
  NotFoundError: () => new errors.NotFoundError('No such container: ghost'),
  ConflictError: () => new errors.ConflictError('Container abc is not running'),
  ValidationError: () => new errors.ValidationError('invalid reference format'),
  ArchiveError: () => new errors.ArchiveError('entry ../x: ".." refused'),
  ConcurrencyError: () => new errors.ConcurrencyError('container abc moved on'),
  LogFullError: () => new errors.LogFullError('the event log is full'),
  UnsupportedError: () => new errors.UnsupportedError('cgroup v1 has no counterpart of memory.high'),
  ExecError: () => new errors.ExecError('exec: "nope": executable file not found in $PATH', 127),
  RegistryError: () => new errors.RegistryError('127.0.0.1:5000: /v2/ answered 500'),
  UnauthorizedError: () => new errors.UnauthorizedError('127.0.0.1:5000: unauthorized: authentication required'),
  SystemError: () => new errors.SystemError('rmdir /sys/fs/cgroup/pids/berth/abc: busy', { op: 'rmdir', path: '/sys/fs/cgroup/pids/berth/abc', errno: 16 }),
  NewerSchemaError: () => new errors.NewerSchemaError('the event at seq 9 on berth.evt.h.volume.v', 3, 2),
  InitError: () => new errors.InitError('init: mount: /data: Permission denied (EACCES)', { step: 'mount', errno: 13, exitCode: 125 }),
};

const exportedClasses = (Object.entries(errors) as Array<[string, unknown]>).filter(([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error);

/** Through the bus as it is sent: the reply's schema, msgpack, and back. */
const throughTheBus = (error: unknown) => {
  const sent = encode(Reply, { ok: false, error: errorToWire(error) });
  const reply = decode(Reply, sent);
  if (reply.ok) throw new Error('an error reply came back as a success');
  return errorFromWire(reply.error);
};

t.test('given every exported error class, when it crosses the bus, then it comes back as itself with its fields', async (t) => {
  t.ok(exportedClasses.length >= Object.keys(samples).length, 'the classes are found by reading the module');
  for (const [name, Class] of exportedClasses) {
    const sample = samples[name];
    if (!sample) {
      t.fail(`${name} has no sample here: add one, and its decoder in errorFromWire`);
      continue;
    }
    const sent = sample();
    t.equal(sent.constructor, Class, `${name}: the sample is of its class`);
    t.equal(sent.name, name, `${name}: its name is its class's`);
    const received = throughTheBus(sent);
    t.equal(received.constructor, Class, `${name} comes back as ${name}`);
    t.same(errorToWire(received), errorToWire(sent), `${name} keeps its message, exit code and fields`);
  }
});

t.test('given a system error, then it carries op, path, errno and the errno name', async (t) => {
  const received = throughTheBus(samples.SystemError!()) as SystemError;
  t.match(received, { op: 'rmdir', path: '/sys/fs/cgroup/pids/berth/abc', errno: 16, code: 'EBUSY', exitCode: 125 });
  const init = throughTheBus(new InitError('init: exec: "x": executable file not found in $PATH (ENOENT)', { step: 'exec', errno: 2, exitCode: 127 })) as InitError;
  t.match(init, { name: 'InitError', step: 'exec', errno: 2, code: 'ENOENT', exitCode: 127 });
});

t.test("given one of Node's errno errors, when it crosses the bus, then it is a SystemError with Node's message", async (t) => {
  const error = await fs.rmdir('/nonexistent/berth-test').catch((e: unknown) => e);
  const received = throughTheBus(error) as SystemError;
  t.equal(received.constructor, SystemError);
  t.match(received, { op: 'rmdir', path: '/nonexistent/berth-test', errno: 2, code: 'ENOENT', message: (error as Error).message });
  const wrapped = SystemError.from(error, { op: 'remove cgroup' }) as SystemError;
  t.equal(wrapped.cause, error, 'the original is its cause');
  t.equal(wrapped.op, 'remove cgroup');
});

t.test('given a cause, then the class keeps it (ES2022 cause)', async (t) => {
  const cause = new Error('underneath');
  t.equal(new ConflictError('on top', { cause }).cause, cause);
  t.equal(new ExecError('on top', 126, { cause }).cause, cause);
  t.equal(new SystemError('on top', { op: 'open', cause }).cause, cause);
});

t.test('given a name the client does not know, or a plain error, then it is an engine error (125)', async (t) => {
  const unknown = errorFromWire({ name: 'FutureError', message: 'from a newer daemon', exitCode: 125 });
  t.equal(unknown.constructor, BerthError);
  t.equal(unknown.message, 'from a newer daemon');
  const plain = throughTheBus(new Error('a bug'));
  t.match(plain, { name: 'BerthError', message: 'a bug', exitCode: 125 });
  const changedCode = errorFromWire({ name: 'NotFoundError', message: 'No such container: x', exitCode: 1 });
  t.equal(changedCode.exitCode, 1, 'the exit code sent is the one kept');
});
