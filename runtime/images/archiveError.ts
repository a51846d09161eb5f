/** An archive (a layer, an image tarball) that is malformed or unsafe, and is refused whole. */
import { ValidationError } from '../../events/errors.js';

export class ArchiveError extends ValidationError {
  override name = 'ArchiveError';
}
