import t from 'tap';
import { ValidationError } from '../events/errors.js';
import { alignTabs, formatList, parseTemplate, render, renderHeader } from './template.js';

const row = { ID: 'abc123', Names: 'web', Image: 'busybox', State: { Status: 'running', Pid: 42 }, Labels: { a: '1', b: '2' }, Cmd: ['sh', '-c'] };

t.test('fields, paths and literal text', async (t) => {
  t.equal(render(parseTemplate('{{.ID}} {{.Names}}'), row), 'abc123 web');
  t.equal(render(parseTemplate('{{.State.Status}}/{{.State.Pid}}'), row), 'running/42');
  t.equal(render(parseTemplate('id={{ .ID }}!'), row), 'id=abc123!', 'spaces inside actions');
  t.equal(render(parseTemplate('{{.Missing}}'), row), '<no value>');
  t.equal(render(parseTemplate('{{.State.Missing.Deeper}}'), row), '<no value>');
  t.equal(render(parseTemplate('{{.Labels}}'), row), 'map[a:1 b:2]', 'maps print as Go does');
  t.equal(render(parseTemplate('{{.Cmd}}'), row), '[sh -c]');
  t.equal(render(parseTemplate('a\\tb\\nc'), row), 'a\tb\nc', 'backslash escapes as typed in a shell');
});

t.test('functions', async (t) => {
  t.same(JSON.parse(render(parseTemplate('{{json .}}'), row)), row);
  t.equal(render(parseTemplate('{{json .State}}'), row), '{"Status":"running","Pid":42}');
  t.equal(render(parseTemplate('{{upper .Names}} {{lower "AB"}}'), row), 'WEB ab');
  t.equal(render(parseTemplate('{{join .Cmd ","}}'), row), 'sh,-c');
  t.equal(render(parseTemplate('{{index .Labels "b"}}'), row), '2');
  t.equal(render(parseTemplate('{{len .Cmd}}'), row), '2');
  t.equal(render(parseTemplate('{{truncate .ID 3}}'), row), 'abc');
});

t.test('table', async (t) => {
  const template = parseTemplate('table {{.ID}}\\t{{.Image}}');
  t.equal(template.table, true);
  t.equal(renderHeader(template, { ID: 'CONTAINER ID' }), 'CONTAINER ID\tIMAGE');
  t.equal(renderHeader(parseTemplate('table {{.CreatedAt}}')), 'CREATED AT');
  t.equal(formatList('table {{.ID}}\\t{{.Image}}', [row, { ...row, ID: 'd' }], { ID: 'CONTAINER ID' }),
    'CONTAINER ID   IMAGE\nabc123         busybox\nd              busybox\n');
  t.equal(alignTabs(['a\tbb\tc', 'aaaa\tb\tc']), 'a      bb   c\naaaa   b    c\n');
  t.equal(formatList('table {{.ID}}', []), 'ID\n', 'the header even with no rows');
});

t.test('json and plain lists', async (t) => {
  t.equal(formatList('json', [{ A: 1 }, { A: 2 }]), '{"A":1}\n{"A":2}\n');
  t.equal(formatList('{{.ID}}', [row, { ID: 'x' }]), 'abc123\nx\n');
  t.equal(formatList('{{.ID}}', []), '');
});

t.test('errors are one line, as ValidationError', async (t) => {
  t.throws(() => parseTemplate('{{.ID'), ValidationError);
  t.throws(() => parseTemplate('{{nosuch .ID}}'), /function "nosuch" not defined/);
  t.throws(() => parseTemplate('{{json}}'), /wrong number of args/);
  t.throws(() => parseTemplate('{{.ID .Names}}'), /non-function/);
  t.throws(() => parseTemplate('{{.a-b}}'), /invalid field/);
  t.throws(() => parseTemplate('{{}}'), /missing value/);
});
