/**
 * Words split as a POSIX shell reads them, without running one: blanks between words, single
 * quotes literal, in double quotes only \" \\ \$ and \` escaped, a backslash outside quotes
 * escaping the next character. Docker's texts that hold a command line in one string use it:
 * `commit --change 'CMD …'` and Compose's `command: …` alike. Pure.
 */
import { ValidationError } from './errors.js';

export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new ValidationError(`unterminated ${quote} quote`);
  if (word !== null) words.push(word);
  return words;
}
