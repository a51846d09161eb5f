/** Docker-style generated names: adjective_surname. */
import { randomInt } from 'node:crypto';

const adjectives = ['brave', 'calm', 'eager', 'fond', 'gentle', 'happy', 'jolly', 'keen', 'lucid', 'merry', 'nimble', 'proud', 'quiet', 'sharp', 'stoic', 'swift', 'tender', 'vivid', 'wise', 'zen'];
const surnames = ['babbage', 'curie', 'darwin', 'euler', 'fermi', 'gauss', 'hopper', 'kepler', 'lovelace', 'meitner', 'newton', 'noether', 'pascal', 'ritchie', 'shannon', 'thompson', 'turing', 'volta', 'wozniak', 'yonath'];

export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const base = `${adjectives[randomInt(adjectives.length)]}_${surnames[randomInt(surnames.length)]}`;
    const name = attempt < 10 ? base : `${base}${randomInt(1000)}`;
    if (!taken(name)) return name;
  }
}
