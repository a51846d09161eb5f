import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ComposeFileNotFoundError, ComposeParseError } from './errors.js';
import { interpolateString } from './interpolate.js';
import { parseDotEnv } from './dotenv.js';
import { loadProject, projectNameFromDirectory, type LoadOptions } from './load.js';
import { renderConfig } from './config.js';
import { networkAddressing } from './addressing.js';
import { splitShellWords } from './shellWords.js';
import { parsePortShort, parseVolumeShort } from './shortSyntax.js';
import { publishSpec } from '../ports.js';

function project(files: Record<string, string>, over: Partial<LoadOptions> = {}, dirName = 'My App') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-'));
  const dir = path.join(root, dirName);
  fs.mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, load: () => loadProject({ files: [], envFiles: [], profiles: [], cwd: dir, env: {}, ...over }), cleanup: () => fs.rmSync(root, { recursive: true }) };
}

/** Whether `run` throws an error that `check` accepts. */
function thrown(run: () => unknown, check: (error: unknown) => boolean): boolean {
  try { run(); } catch (error) { return check(error); }
  return false;
}

t.test('substitution: every form Compose knows, and $$', async (t) => {
  const vars: Record<string, string> = { SET: 'x', EMPTY: '' };
  const lookup = (name: string) => vars[name];
  t.equal(interpolateString('$SET ${SET} $$SET', lookup, 'p'), 'x x $SET');
  t.equal(interpolateString('${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', lookup, 'p'), 'd d  d');
  t.equal(interpolateString('${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt}', lookup, 'p'), 'alt  alt');
  t.equal(interpolateString('${UNSET:-${SET}-nested}', lookup, 'p'), 'x-nested');
  t.throws(() => interpolateString('${EMPTY:?must be set}', lookup, 'services.web.image'), /required variable EMPTY is missing a value: must be set/);
  t.equal(interpolateString('${EMPTY?must be set}', lookup, 'p'), '');
  t.throws(() => interpolateString('${SET', lookup, 'services.web.image'), /invalid interpolation format for services.web.image/);
});

t.test('.env: comments, export, quotes, substitution of earlier lines', async (t) => {
  const env = parseDotEnv('# c\nexport A=1\nB="two\\nlines $A"\nC=\'lit $A\'\nD=plain # comment\nE\n', '.env', (name) => (name === 'E' ? 'from-env' : undefined));
  t.same(env, { A: '1', B: 'two\nlines 1', C: 'lit $A', D: 'plain', E: 'from-env' });
});

t.test('short syntaxes', async (t) => {
  t.same(splitShellWords('sh -c "echo \\"hi\\" there" \'a b\'', 'c'), ['sh', '-c', 'echo "hi" there', 'a b']);
  t.same(parsePortShort('127.0.0.1:8080:80/udp', 'p'), [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'udp', mode: 'ingress' }]);
  t.same(parsePortShort('9000-9001:90-91', 'p').map((port) => [port.published, port.target]), [['9000', 90], ['9001', 91]]);
  t.same(parsePortShort(3000, 'p'), [{ target: 3000, protocol: 'tcp', mode: 'ingress' }]);
  t.same(parsePortShort('8000-8002:80', 'p'), [{ target: 80, published: '8000-8002', protocol: 'tcp', mode: 'ingress' }], 'one port, a free one of a host range');
  t.same(parsePortShort('127.0.0.1::80', 'p'), [{ target: 80, host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }]);
  t.same(parsePortShort(publishSpec({ target: 80, published: 8080, host_ip: '127.0.0.1', protocol: 'udp' }), 'p'), [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'udp', mode: 'ingress' }], 'the long form');
  t.same(parsePortShort(publishSpec({ target: 80 }), 'p'), [{ target: 80, protocol: 'tcp', mode: 'ingress' }]);
  t.throws(() => parsePortShort('80:abc', 'services.web.ports[0]'), { name: 'ComposeParseError', message: 'services.web.ports[0]: invalid containerPort: abc' }, "-p's message, with where");
  t.throws(() => parsePortShort('8000-8001:80-82', 'p'), /invalid ranges specified for container and host Ports/);
  t.throws(() => parsePortShort('80/sctp', 'p'), /invalid proto: sctp/);
  t.same(parseVolumeShort('data:/data:ro', 'v', '/p'), { type: 'volume', source: 'data', target: '/data', read_only: true });
  t.same(parseVolumeShort('./conf:/etc/conf', 'v', '/p'), { type: 'bind', source: '/p/conf', target: '/etc/conf', bind: { create_host_path: true } });
  t.same(parseVolumeShort('/cache', 'v', '/p'), { type: 'volume', target: '/cache' });
});

t.test('a project: discovery, override file, .env, name from the directory, normalised model', async (t) => {
  const { load, cleanup } = project({
    'compose.yaml': 'services:\n  web:\n    image: busybox:${TAG:-latest}\n    command: httpd -f -p 80\n    environment: [A=1, B]\n    depends_on:\n      db:\n        condition: service_healthy\n    volumes: [data:/data]\n  db:\n    image: busybox\n    healthcheck:\n      test: "true"\nvolumes:\n  data: {}\n',
    'compose.override.yaml': 'services:\n  web:\n    environment:\n      A: "2"\n    command: ["httpd", "-f"]\n',
    '.env': 'TAG=1.36\nB=from-dotenv\n',
  });
  t.teardown(cleanup);
  const model = load();
  t.equal(model.name, 'myapp', 'the directory\'s name, lower case, without what a name cannot hold');
  t.equal(model.services.web.image, 'busybox:1.36');
  t.same(model.services.web.command, ['httpd', '-f'], 'the override replaces the command');
  t.same(model.services.web.environment, { A: '2', B: 'from-dotenv' });
  t.same(model.services.web.depends_on, { db: { condition: 'service_healthy', restart: false, required: true } });
  t.same(model.services.db.healthcheck, { test: ['CMD-SHELL', 'true'] });
  t.same(model.networks.default, { name: 'myapp_default', external: false, labels: {}, driver_opts: {} });
  t.equal(model.volumes.data.name, 'myapp_data');
  t.match(renderConfig(model), /^name: myapp\nservices:\n  db:/);
});

t.test('-f files merge in order; -p, COMPOSE_PROJECT_NAME and name: in that order', async (t) => {
  const { dir, cleanup } = project({
    'a.yml': 'name: fromfile\nservices:\n  s:\n    image: busybox\n    labels: [x=1]\n    ports: ["80"]\n    volumes: ["v:/data"]\nvolumes: {v: {}, w: {}}\n',
    'b.yml': 'services:\n  s:\n    labels: {y: "2"}\n    ports: ["81"]\n    volumes: ["w:/data"]\n',
  });
  t.teardown(cleanup);
  const base = { files: ['a.yml', 'b.yml'], envFiles: [], profiles: [], cwd: dir, env: {} };
  const model = loadProject(base);
  t.equal(model.name, 'fromfile');
  t.same(model.services.s.labels, { x: '1', y: '2' });
  t.same(model.services.s.ports.map((port) => port.target), [80, 81]);
  t.same(model.services.s.volumes, [{ type: 'volume', source: 'w', target: '/data' }], 'a volume is unique by its target');
  t.equal(loadProject({ ...base, env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).name, 'fromenv');
  t.equal(loadProject({ ...base, projectName: 'flag', env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).name, 'flag');
  t.throws(() => loadProject({ ...base, projectName: 'Bad Name' }), /invalid project name "Bad Name"/);
});

t.test('profiles: a service of an inactive profile is left out', async (t) => {
  const { load, dir, cleanup } = project({ 'compose.yaml': 'services:\n  app: {image: busybox}\n  debug: {image: busybox, profiles: [debug]}\n' });
  t.teardown(cleanup);
  t.same(Object.keys(load().services), ['app']);
  t.same(Object.keys(loadProject({ files: [], envFiles: [], profiles: ['debug'], cwd: dir, env: {} }).services).sort(), ['app', 'debug']);
  t.same(Object.keys(loadProject({ files: [], envFiles: [], profiles: [], cwd: dir, env: { COMPOSE_PROFILES: 'debug' } }).services).sort(), ['app', 'debug']);
});

t.test('bad files: one line with the file and the path, Compose\'s exit codes', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['services:\n  web:\n    image: busybox\n    imagee: x\n', /validating .*compose.yaml: services.web additional properties 'imagee' not allowed/],
    ['services:\n  web:\n    image: [1]\n', /validating .*compose.yaml: services.web.image must not be array/],
    ['services:\n  web:\n    command: echo\n', /service "web" has neither an image nor a build context specified/],
    ['services:\n  web:\n    image: busybox\n    depends_on: [db]\n', /service "web" depends on undefined service "db"/],
    ['services:\n  web:\n   image: x\n  - y\n', /failed to parse .*compose.yaml: yaml: line \d+/],
    ['services:\n  web:\n    image: ${X:?X is required}\n', /required variable X is missing a value: X is required/],
    ['services:\n  web:\n    image: busybox\nnetworks:\n  front:\n    ipam:\n      config: [{subnet: 10.1.0.0/24}, {subnet: 10.2.0.0/24}]\n', /networks.front: only one IPv4 subnet per network: 10.1.0.0\/24, 10.2.0.0\/24/],
  ];
  for (const [text, message] of cases) {
    const { load, cleanup } = project({ 'compose.yaml': text });
    t.ok(thrown(load, (error) => error instanceof ComposeParseError && error.exitCode === 15 && message.test(error.message) && !error.message.includes('\n')), message.source);
    cleanup();
  }
  const empty = project({});
  t.teardown(empty.cleanup);
  t.ok(thrown(empty.load, (error) => error instanceof ComposeFileNotFoundError && error.exitCode === 14 && /no configuration file provided: not found/.test(error.message)));
});

t.test('network addresses: every ipam config, enable_ipv6, and a service\'s ipv6_address', async (t) => {
  const { load, cleanup } = project({ 'compose.yaml': [
    'services:', '  web:', '    image: busybox', '    networks:', '      front: {ipv4_address: 10.1.0.5, ipv6_address: "fd95::5"}',
    'networks:', '  front:', '    enable_ipv6: true', '    ipam:', '      config:', '        - subnet: 10.1.0.0/24', '        - {subnet: "fd95::/64", gateway: "fd95::9"}',
    '  plain:', '    enable_ipv6: true',
  ].join('\n') });
  t.teardown(cleanup);
  const loaded = load();
  t.same(networkAddressing(loaded.networks.front), { subnet: '10.1.0.0/24', ipv6: true, subnet6: 'fd95::/64', gateway6: 'fd95::9' }, 'both families from the two configs');
  t.same(networkAddressing(loaded.networks.plain), { ipv6: true }, 'IPv6 from the engine\'s pool');
  t.same(loaded.services.web.networks, { front: { ipv4_address: '10.1.0.5', ipv6_address: 'fd95::5' } });
  t.match(renderConfig(loaded), /enable_ipv6: true/, 'config prints them back');
});

t.test('the directory name as a project name', async (t) => {
  t.equal(projectNameFromDirectory('/x/My.App_1'), 'myapp_1');
  t.equal(projectNameFromDirectory('/x/_-a'), 'a');
});
