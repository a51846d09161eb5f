import t from 'tap';
import { ValidationError } from '../events/errors.js';
import { alignTabs, formatList, renderHeader } from './template.js';
import { render } from '../events/template.js';
import { parseTemplate } from '../events/templateParse.js';

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

const mounts = { Mounts: [{ Source: '/a', RW: true }, { Source: '/b', RW: false }], Empty: [], Labels: { z: '26', a: '1' }, Name: 'web', On: true, Off: false };
const out = (format: string, data: unknown = mounts) => render(parseTemplate(format), data);

t.test('range over lists and maps, with else and variables', async (t) => {
  t.equal(out('{{range .Mounts}}{{.Source}};{{end}}'), '/a;/b;', 'dot is each element');
  t.equal(out('{{range .Empty}}x{{else}}none{{end}}'), 'none');
  t.equal(out('{{range .Missing}}x{{end}}'), '', 'nothing to range over is nothing');
  t.equal(out('{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}'), 'a=1 z=26 ', 'maps in key order');
  t.equal(out('{{range $i, $m := .Mounts}}{{$i}}:{{$m.Source}} {{end}}'), '0:/a 1:/b ');
  t.equal(out('{{range $m := .Mounts}}{{$m.Source}}{{$.Name}} {{end}}'), '/aweb /bweb ', '$ is the whole value');
  t.equal(out('{{range .Labels}}{{.}}{{end}}'), '126');
  t.throws(() => out('{{range .Name}}x{{end}}'), /range can't iterate over web/);
  t.throws(() => out('{{$nope}}'), /undefined variable "\$nope"/);
});

t.test('if, else if, else and with', async (t) => {
  t.equal(out('{{if .On}}yes{{else}}no{{end}}'), 'yes');
  t.equal(out('{{if .Off}}yes{{else}}no{{end}}'), 'no');
  t.equal(out('{{if .Empty}}a{{else if .Mounts}}b{{else}}c{{end}}'), 'b');
  t.equal(out('{{if .Empty}}a{{else if .Off}}b{{else}}c{{end}}'), 'c');
  t.equal(out('{{if .Off}}a{{end}}'), '');
  t.equal(out('{{range .Mounts}}{{.Source}}{{if not .RW}} (ro){{end}} {{end}}'), '/a /b (ro) ');
  t.equal(out('{{if eq .Name "web"}}web!{{end}}{{if ne .Name "web"}}other{{end}}'), 'web!');
  t.equal(out('{{if and .On .Off}}a{{else}}b{{end}}{{if or .Off .On}}c{{end}}'), 'bc');
  t.equal(out('{{with .Labels}}{{.a}}{{else}}none{{end}} {{with .Empty}}x{{else}}none{{end}}'), '1 none', 'with sets dot');
  t.equal(out('{{if .On}}{{range .Mounts}}{{if .RW}}{{.Source}}{{end}}{{end}}{{end}}'), '/a', 'nested');
});

t.test('json, join and pipes', async (t) => {
  t.equal(out('{{json .}}', { A: [1, 'x'] }), '{"A":[1,"x"]}');
  t.equal(out('{{json .Labels}}'), '{"z":"26","a":"1"}');
  t.equal(out('{{join .Cmd ","}}', { Cmd: ['a', 'b', 'c'] }), 'a,b,c');
  t.equal(out('{{.Name | upper}}'), 'WEB');
  t.equal(out('{{.Labels | json}}'), '{"z":"26","a":"1"}');
  t.equal(out('{{.Mounts | len}}'), '2');
  t.equal(out('{{"a b" | upper | lower}}'), 'a b');
});

t.test('trim markers', async (t) => {
  t.equal(out('{{range .Mounts}}\n  {{- .Source -}}\n{{end}}'), '/a/b');
  t.equal(out('a  {{- "b" }}  c'), 'ab  c');
});

t.test('block errors are one line', async (t) => {
  t.throws(() => parseTemplate('{{if .A}}x'), /unexpected EOF: \{\{if\}\} without \{\{end\}\}/);
  t.throws(() => parseTemplate('{{range .A}}x{{else}}y'), /without \{\{end\}\}/);
  t.throws(() => parseTemplate('x{{end}}'), /unexpected \{\{end\}\}/);
  t.throws(() => parseTemplate('{{else}}'), /unexpected \{\{else\}\}/);
  t.throws(() => parseTemplate('{{if .A}}a{{else}}b{{else}}c{{end}}'), /more than one \{\{else\}\}/);
  t.throws(() => parseTemplate('{{.A | .B}}'), /can't pipe into non-function/);
  t.throws(() => parseTemplate('{{.A | join}}'), /wrong number of args for join: want 2 got 1/);
  t.throws(() => parseTemplate('{{.A |}}'), /missing command in pipeline/);
});
