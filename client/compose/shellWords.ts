/**
 * A command given as one string (`command: echo "a b"`), split as Compose splits it: into words
 * by blanks, with single and double quotes and backslashes as a POSIX shell reads them, but
 * without running a shell. Pure.
 */
import { ComposeParseError } from './errors.js';

export function splitShellWords(text: string, path: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === "'") {
      if (char === "'") quote = null; else word += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += char;
      continue;
    }
    if (char === "'" || char === '"') { quote = char; inWord = true; continue; }
    if (char === '\\' && i + 1 < text.length) { word += text[++i]; inWord = true; continue; }
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += char;
    inWord = true;
  }
  if (quote) throw new ComposeParseError(`${path}: invalid command line string: unterminated quote`);
  if (inWord) words.push(word);
  return words;
}
