/**
 * Compose's failures, with the exit codes Docker Compose v2 gives them: 14 when no compose
 * file is found, 15 when a file cannot be parsed or is invalid, 18 when a pull fails, and 1
 * for the rest (a dependency that failed, a service that is not there).
 */
import { BerthError, type CauseOption } from '../../events/errors.js';

export class ComposeError extends BerthError {
  override name = 'ComposeError';
  constructor(message: string, exitCode = 1, options?: CauseOption) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** No compose file where one was looked for (Compose's exit code 14). */
export class ComposeFileNotFoundError extends ComposeError {
  override name = 'ComposeFileNotFoundError';
  constructor(message: string) {
    super(message, 14);
  }
}

/** A file that does not parse or does not follow the specification (Compose's exit code 15). */
export class ComposeParseError extends ComposeError {
  override name = 'ComposeParseError';
  constructor(message: string, options?: CauseOption) {
    super(message, 15, options);
  }
}
