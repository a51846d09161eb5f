import t from 'tap';
import { prettyName } from './hostFacts.js';

t.test('PRETTY_NAME from os-release, quoted or not', async (t) => {
  t.equal(prettyName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\n'), 'Debian GNU/Linux 13 (trixie)');
  t.equal(prettyName('PRETTY_NAME=Alpine'), 'Alpine');
  t.equal(prettyName('ID=x'), null);
});
