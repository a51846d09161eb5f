/** A command given as one string (`command: echo "a b"`), split as Compose splits it (events/shellWords.ts), with Compose's error. Pure. */
import { shellWords } from '../../events/shellWords.js';
import { ComposeParseError } from './errors.js';

export function splitShellWords(text: string, path: string): string[] {
  try {
    return shellWords(text);
  } catch {
    throw new ComposeParseError(`${path}: invalid command line string: unterminated quote`);
  }
}
