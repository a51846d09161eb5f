/**
 * Every failure berth reports has a class of its own, a `name`, and the exit code the CLI
 * uses for it (Docker's: 125 for engine errors, 126 cannot invoke, 127 not found).
 */
export class BerthError extends Error {
  override name = 'BerthError';
  /** The exit code a CLI ends with when this error ends a command. */
  exitCode = 125;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A name, id or reference that does not resolve. */
export class NotFoundError extends BerthError {
  override name = 'NotFoundError';
}

/** A command that clashes with what exists (a name in use, an image still used). */
export class ConflictError extends BerthError {
  override name = 'ConflictError';
}

/** A command that the entity's current state does not allow (starting a removed container). */
export class IllegalStateError extends BerthError {
  override name = 'IllegalStateError';
}

/** Input that fails its schema at a boundary (CLI, bus, worker). */
export class ValidationError extends BerthError {
  override name = 'ValidationError';
}

/** Another writer moved the entity between our read and our append. */
export class ConcurrencyError extends BerthError {
  override name = 'ConcurrencyError';
}

/** The container's command could not be run: 126 (cannot invoke) or 127 (not found). */
export class ExecError extends BerthError {
  override name = 'ExecError';
  constructor(message: string, code: 126 | 127) {
    super(message);
    this.exitCode = code;
  }
}

const classes = { BerthError, NotFoundError, ConflictError, IllegalStateError, ValidationError, ConcurrencyError };

/** Rebuilds an error that crossed the bus as `{ name, message, exitCode }`. */
export function errorFromWire(wire: { name: string; message: string; exitCode: number }): BerthError {
  if (wire.name === 'ExecError' && (wire.exitCode === 126 || wire.exitCode === 127)) {
    return new ExecError(wire.message, wire.exitCode);
  }
  const Class = classes[wire.name as keyof typeof classes] ?? BerthError;
  const error = new Class(wire.message);
  error.exitCode = wire.exitCode;
  return error;
}

/** The wire form of any error: BerthErrors keep their class, anything else becomes an engine error. */
export function errorToWire(error: unknown): { name: string; message: string; exitCode: number } {
  if (error instanceof BerthError) return { name: error.name, message: error.message, exitCode: error.exitCode };
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'BerthError', message, exitCode: 125 };
}
