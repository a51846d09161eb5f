import t from 'tap';
import { parseKeyValueFile } from './flagFiles.js';

t.test('env files as Docker reads them', async (t) => {
  const text = '\uFEFF# a comment\n\nA=1\n  B=two words \nC="quoted"\nFROM_ENV\nUNSET\nEMPTY=\r\n   # indented comment\n';
  t.same(parseKeyValueFile(text, 'f', (key) => (key === 'FROM_ENV' ? 'here' : undefined)),
    ['A=1', 'B=two words ', 'C="quoted"', 'FROM_ENV=here', 'EMPTY=']);
  t.throws(() => parseKeyValueFile('BAD KEY=1', 'f', () => undefined), /f:1: variable 'BAD KEY' contains whitespaces/);
  t.throws(() => parseKeyValueFile('ok=1\n=x', 'f', () => undefined), /f:2: no variable name/);
});

t.test('label files: a bare key is an empty label', async (t) => {
  t.same(parseKeyValueFile('team=berth\nflag\n', 'l'), ['team=berth', 'flag=']);
});
