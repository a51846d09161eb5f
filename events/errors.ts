/**
 * Every failure berth reports has a class of its own, a `name`, a `cause` when it wraps another
 * error, and the exit code the CLI uses for it (Docker's: 125 for engine errors, 126 cannot
 * invoke, 127 not found). This file is the contract: every class that may cross the bus is
 * declared here, and errorToWire/errorFromWire carry each one, with its fields, across.
 *
 * Plain `Error` is left for programmer bugs that can never reach a user (an impossible branch).
 */
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';

/** What every error class's constructor takes besides its message. */
export interface CauseOption {
  cause?: unknown;
}

export class BerthError extends Error {
  override name = 'BerthError';
  /** The exit code a CLI ends with when this error ends a command. */
  exitCode = 125;
  constructor(message: string, options?: CauseOption) {
    super(message, options);
  }
}

/** A name, id or reference that does not resolve. */
export class NotFoundError extends BerthError {
  override name = 'NotFoundError';
}

/**
 * A command that clashes with what exists (a name in use, an image still used) or that the
 * entity's current state does not allow (starting a removed container): Docker's 409.
 */
export class ConflictError extends BerthError {
  override name = 'ConflictError';
}

/** Input that fails its schema at a boundary (CLI, bus, worker). */
export class ValidationError extends BerthError {
  override name = 'ValidationError';
}

/** An archive (a layer, an image tarball) that is malformed or unsafe, and is refused whole. */
export class ArchiveError extends ValidationError {
  override name = 'ArchiveError';
}

/** The host lacks what a request needs: a cgroup hierarchy, a controller, a kernel feature. */
export class UnsupportedError extends BerthError {
  override name = 'UnsupportedError';
}

/** Another writer moved the entity between our read and our append. */
export class ConcurrencyError extends BerthError {
  override name = 'ConcurrencyError';
}

/** The event log has no room for what a command would record (its stream's byte limit); nothing was changed. */
export class LogFullError extends BerthError {
  override name = 'LogFullError';
}

/** The container's command could not be run: 126 (cannot invoke) or 127 (not found). */
export class ExecError extends BerthError {
  override name = 'ExecError';
  constructor(message: string, code: 126 | 127, options?: CauseOption) {
    super(message, options);
    this.exitCode = code;
  }
}

/**
 * A log (an event or a snapshot) written by a newer berth, in a schema this berth cannot read:
 * refused whole, never misread (events/schema.ts). A daemon that meets one does not start.
 */
export class NewerSchemaError extends BerthError {
  override name = 'NewerSchemaError';
  constructor(
    /** What was read: `the event at seq 12 on berth.evt.h.container.ab`, `the snapshot of container ab`. */
    readonly what: string,
    /** The schema version it was written in. */
    readonly found: number,
    /** The newest version this berth reads. */
    readonly readable: number,
  ) {
    super(`${what} was written by a newer berth in schema version ${found}; this berth reads versions up to ${readable}: upgrade berth to read this log (docs/OPERATIONS.md, Upgrades)`);
  }
}

/** A registry that refused or failed a request. */
export class RegistryError extends BerthError {
  override name = 'RegistryError';
}

/** Registry credentials were missing or wrong. */
export class UnauthorizedError extends RegistryError {
  override name = 'UnauthorizedError';
}

/** Where a kernel or file operation failed, and how. */
export interface SystemErrorFields {
  /** The operation: a syscall (`rmdir`, `open`), or a step of the shim or the container's init. */
  op: string;
  /** The file or cgroup the operation was on, when it was on one. */
  path?: string;
  /** The errno, positive (16 for EBUSY); 0 when the operation failed without one. */
  errno?: number;
  /** The errno's name (`EBUSY`); derived from errno when not given. */
  code?: string;
}

/** The name of an errno (`EBUSY`), or `errno N`. */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(osConstants.errno)) if (value === errno) return name;
  return errno ? `errno ${errno}` : 'no errno';
}

/** The C library's description of an errno ("Device or resource busy"), when Node knows it. */
export function errnoDescription(errno: number): string | undefined {
  // libuv keys the map by negative errno: [name, description]
  return getSystemErrorMap().get(-errno)?.[1];
}

/** A kernel or file operation that failed: carries the operation, the path and the errno. */
export class SystemError extends BerthError {
  override name = 'SystemError';
  readonly op: string;
  readonly path?: string;
  readonly errno: number;
  readonly code: string;
  constructor(message: string, fields: SystemErrorFields & CauseOption) {
    super(message, { cause: fields.cause });
    this.op = fields.op;
    if (fields.path !== undefined) this.path = fields.path;
    this.errno = fields.errno ?? 0;
    this.code = fields.code ?? errnoName(this.errno);
  }

  /**
   * Wraps one of Node's errno errors (`ENOENT: no such file or directory, open '/x'`), keeping its
   * message unless one is given. Anything else is returned as it is.
   */
  static from(error: unknown, context: { op?: string; path?: string; message?: string } = {}): unknown {
    if (!isErrnoError(error)) return error;
    return new SystemError(context.message ?? error.message, {
      op: context.op ?? error.syscall ?? 'unknown',
      path: context.path ?? error.path,
      errno: error.errno === undefined ? osConstants.errno[error.code as keyof typeof osConstants.errno] : Math.abs(error.errno),
      code: error.code,
      cause: error,
    });
  }
}

/** Node's own errno errors (fs, child_process, process.kill): they carry a string `code` like `EBUSY`. */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && !(error instanceof BerthError) && typeof (error as NodeJS.ErrnoException).code === 'string'
    && /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code!);
}

/**
 * A container could not be started: a named setup step failed, in the shim or in the container's
 * init before exec (the shim's `err <step> <errno> <message>` report). `op` is the step.
 * The exit code follows Docker: 127 command not found, 126 not executable, 125 anything else.
 */
export class InitError extends SystemError {
  override name = 'InitError';
  override exitCode: 125 | 126 | 127;
  constructor(message: string, fields: { step: string; errno: number; exitCode: 125 | 126 | 127 } & CauseOption) {
    super(message, { op: fields.step, errno: fields.errno, cause: fields.cause });
    this.exitCode = fields.exitCode;
  }

  /** The setup step that failed (`exec`, `mount`, `pivot_root`, …). */
  get step(): string {
    return this.op;
  }
}

/**
 * An error as it crosses the bus: its class's name, message and exit code, and its fields. The
 * schema that checks it is WireErrorSchema (events/requests.ts): this module stays free of zod,
 * which the CLI then loads only for a command that talks to the daemon.
 */
export interface WireError {
  name: string;
  message: string;
  exitCode: number;
  op?: string;
  path?: string;
  errno?: number;
  code?: string;
  /** A NewerSchemaError's record and versions. */
  schema?: { what: string; found: number; readable: number };
}

const systemFields = (wire: WireError): SystemErrorFields => ({ op: wire.op ?? 'unknown', path: wire.path, errno: wire.errno, code: wire.code });
const execCode = (code: number): 125 | 126 | 127 => (code === 126 || code === 127 ? code : 125);

/** How each class is rebuilt from its wire form (the exit code is restored after). */
const decoders: Record<string, (wire: WireError) => BerthError> = {
  BerthError: (wire) => new BerthError(wire.message),
  NotFoundError: (wire) => new NotFoundError(wire.message),
  ConflictError: (wire) => new ConflictError(wire.message),
  ValidationError: (wire) => new ValidationError(wire.message),
  ArchiveError: (wire) => new ArchiveError(wire.message),
  ConcurrencyError: (wire) => new ConcurrencyError(wire.message),
  LogFullError: (wire) => new LogFullError(wire.message),
  UnsupportedError: (wire) => new UnsupportedError(wire.message),
  ExecError: (wire) => (wire.exitCode === 126 || wire.exitCode === 127 ? new ExecError(wire.message, wire.exitCode) : new BerthError(wire.message)),
  RegistryError: (wire) => new RegistryError(wire.message),
  UnauthorizedError: (wire) => new UnauthorizedError(wire.message),
  SystemError: (wire) => new SystemError(wire.message, systemFields(wire)),
  NewerSchemaError: (wire) => (wire.schema ? new NewerSchemaError(wire.schema.what, wire.schema.found, wire.schema.readable) : new BerthError(wire.message)),
  InitError: (wire) => new InitError(wire.message, { step: wire.op ?? 'unknown', errno: wire.errno ?? 0, exitCode: execCode(wire.exitCode) }),
};

/** Rebuilds an error that crossed the bus, as its own class (a name it does not know: BerthError). */
export function errorFromWire(wire: WireError): BerthError {
  const decode = Object.hasOwn(decoders, wire.name) ? decoders[wire.name]! : decoders.BerthError!;
  const error = decode(wire);
  error.exitCode = wire.exitCode;
  return error;
}

/** The wire form of any error: BerthErrors keep their class, Node's errno errors become SystemErrors, anything else an engine error. */
export function errorToWire(error: unknown): WireError {
  const wrapped = SystemError.from(error);
  if (wrapped instanceof SystemError) {
    const { op, path, errno, code } = wrapped;
    return { name: wrapped.name, message: wrapped.message, exitCode: wrapped.exitCode, op, ...(path !== undefined ? { path } : {}), errno, code };
  }
  if (wrapped instanceof NewerSchemaError) {
    const { what, found, readable } = wrapped;
    return { name: wrapped.name, message: wrapped.message, exitCode: wrapped.exitCode, schema: { what, found, readable } };
  }
  if (wrapped instanceof BerthError) return { name: wrapped.name, message: wrapped.message, exitCode: wrapped.exitCode };
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'BerthError', message, exitCode: 125 };
}
