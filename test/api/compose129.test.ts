/**
 * Debian's docker-compose 1.29 (Python, Compose v1, over python3-docker) against berth's Engine
 * API socket, unchanged: a project of two services on a user network, with a named volume and
 * a published port, up, ps, logs, exec and down -v. The engine has bridge networking, so it runs
 * inside a network namespace the test makes, and so does docker-compose.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { dockerSocket } from '../helpers/docker.js';
import { runCaptured, startEngine, until, type Engine, type Result } from '../helpers/engine.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';
import { NetworkNamespace } from '../helpers/netns.js';

gateFile(requiresEngine(), requiresProgram('docker-compose', 'apt-get install docker-compose'), requiresProgram('nsenter', 'apt-get install util-linux'));

/** Debian's own Python, whose dist-packages hold python3-docker (another python3 may come first on the PATH). */
const DEBIAN_PYTHON = '/usr/bin/python3';

const PROJECT = 'shop';

/** web serves what it wrote into the named volume; client reaches web by its service name. */
const COMPOSE_YAML = `version: "3.8"
services:
  web:
    image: busybox
    command: ["sh", "-c", "echo hello from web > /www/index.html && echo web ready && exec httpd -f -v -p 80 -h /www"]
    ports: ["8080:80"]
    volumes: ["site:/www"]
    networks: [front]
  client:
    image: busybox
    command: ["sleep", "600"]
    depends_on: [web]
    networks: [front]
networks:
  front:
volumes:
  site:
`;

/** The environment of a Docker client in the engine's namespace: DOCKER_HOST at the engine's socket. */
function clientEnv(engine: Engine): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: engine.dir, DOCKER_HOST: `unix://${dockerSocket(engine)}`, LANG: 'C.UTF-8' };
}

/** An HTTP GET from the namespace's side, through busybox nc (its wget crashes): the whole answer, or '' when nothing answered. */
function httpGet(namespace: NetworkNamespace, address: string, port: number): Promise<string> {
  // runCaptured ignores the EPIPE of nc that found nothing listening (after down) and exited before reading.
  return runCaptured('nsenter', [`--net=${namespace.path}`, 'busybox', 'nc', '-w', '3', address, String(port)], { env: process.env, input: 'GET / HTTP/1.0\r\n\r\n', timeoutMs: 10_000, what: 'nc' })
    .then((result) => result.stdout, () => '');
}

/** docker-compose ARGS inside the namespace, against the engine's socket. */
function composeIn(namespace: NetworkNamespace, engine: Engine, env: NodeJS.ProcessEnv, args: string[]): Promise<Result> {
  return runCaptured('nsenter', [`--net=${namespace.path}`, 'docker-compose', '--ansi', 'never', ...args], { env: { ...clientEnv(engine), ...env }, timeoutMs: 120_000, what: `docker-compose ${args.join(' ')}` });
}

t.test('docker-compose 1.29 runs a project against the socket', async (t) => {
  const inner = NetworkNamespace.create(t);
  const engine = await startEngine(t, { netns: inner.prefix });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-compose129-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.writeFile(path.join(dir, 'docker-compose.yml'), COMPOSE_YAML);

  const file = path.join(dir, 'docker-compose.yml');
  const compose = (...args: string[]): Promise<Result> => composeIn(inner, engine, {}, ['-f', file, '-p', PROJECT, ...args]);
  const composeOk = async (...args: string[]): Promise<string> => {
    const result = await compose(...args);
    if (result.code !== 0) throw new Error(`docker-compose ${args.join(' ')} exited ${result.code}: ${result.stderr}\n${await daemonErrors(engine)}`);
    return result.stdout;
  };

  await composeOk('up', '-d');
  const ps = await composeOk('ps');
  t.match(ps, /shop_web_1\s.*Up.*0\.0\.0\.0:8080->80\/tcp/, 'compose ps: web is up with its port');
  t.match(ps, /shop_client_1\s.*Up/, 'compose ps: client is up');
  t.same((await composeOk('ps', '-q')).trim().split('\n').sort(), (await engine.ok(['ps', '-q', '--no-trunc'])).trim().split('\n').sort(), 'berth ps sees the same containers');
  t.same((await engine.ok(['ps', '--format', '{{.Names}}'])).trim().split('\n').sort(), ['shop_client_1', 'shop_web_1'], 'by the same names');

  await until('web serves', async () => (await composeOk('logs', '--no-color', 'web')).includes('web ready'));
  t.match(await httpGet(inner, '127.0.0.1', 8080), /200 OK[\s\S]*hello from web/, 'the published port answers from the namespace');
  t.match(await composeOk('exec', '-T', 'client', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 5 web 80'), /hello from web/, 'client reaches web by its service name');
  t.equal(await composeOk('exec', '-T', 'web', 'cat', '/www/index.html'), 'hello from web\n', 'exec in a service');
  const exited = await compose('exec', '-T', 'web', 'sh', '-c', 'exit 3');
  t.equal(exited.code, 3, "exec's exit code");
  t.match(await composeOk('logs', '--no-color', 'web'), /web_1\s+\| web ready/, 'logs, prefixed by the container');

  t.match(await engine.ok(['network', 'ls']), /shop_front/, 'the project network, as berth sees it');
  t.match(await engine.ok(['volume', 'ls']), /shop_site/, 'the project volume');

  // Again, at an old API version (COMPOSE_API_VERSION pins one; unset, docker-py takes the
  // server's newest): nothing changed, so nothing is recreated (compose compares its config-hash
  // label and the image id).
  const ids = (await composeOk('ps', '-q')).trim().split('\n').sort();
  const again = await composeIn(inner, engine, { COMPOSE_API_VERSION: '1.30' }, ['-f', file, '-p', PROJECT, 'up', '-d']);
  t.equal(again.code, 0, `up -d again succeeds: ${again.stderr}`);
  t.match(again.stderr, /shop_web_1 is up-to-date/, 'up -d again: up to date, at API 1.30');
  t.same((await composeOk('ps', '-q')).trim().split('\n').sort(), ids, 'the same containers');
  // Recreated: compose renames the old one, makes the new one with the old one's volumes, removes the old.
  const web = (await composeOk('ps', '-q', 'web')).trim();
  await composeOk('exec', '-T', 'web', 'sh', '-c', 'echo kept > /www/kept.txt');
  await composeOk('up', '-d', '--force-recreate', '--no-deps', 'web');
  t.not((await composeOk('ps', '-q', 'web')).trim(), web, 'web is a new container');
  t.equal(await composeOk('exec', '-T', 'web', 'cat', '/www/kept.txt'), 'kept\n', 'with the named volume it had');
  // A one-off container, attached: compose run --rm.
  const run = await compose('run', '--rm', '-T', 'client', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 5 web 80; exit 5');
  t.match(run.stdout, /hello from web/, 'run: its output, through attach');
  t.equal(run.code, 5, 'run: its exit code');
  t.same((await engine.ok(['ps', '-a', '--format', '{{.Names}}'])).trim().split('\n').sort(), ['shop_client_1', 'shop_web_1'], 'run --rm left nothing');

  await composeOk('down', '-v');
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'down removed the containers');
  t.notMatch(await engine.ok(['network', 'ls']), /shop_front/, 'and the network');
  t.notMatch(await engine.ok(['volume', 'ls']), /shop_site/, 'and the volume (-v)');
  t.equal(await httpGet(inner, '127.0.0.1', 8080), '', 'and the port');
});

/** The berthd log's failed API requests, to show why a client failed. */
async function daemonErrors(engine: Engine): Promise<string> {
  const log = await fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8').catch(() => '');
  return log.split('\n').filter((line) => line.includes('api request failed')).join('\n');
}

t.test('python3-docker: containers.run and list; commit with a Config, a Healthcheck in it or in a change', async (t) => {
  const engine = await startEngine(t);
  const script = `import docker, json
client = docker.from_env()
print(client.containers.run("busybox", ["echo", "hi from py"], remove=True).decode(), end="")
kept = client.containers.run("busybox", ["sleep", "600"], name="kept", detach=True, labels={"by": "py"}, environment={"KEEP": "1", "OVER": "old"})
print([c.name for c in client.containers.list(filters={"label": "by=py"})])
image = kept.commit("py/committed", "v1", changes=["LABEL changed=yes"], conf={
  "Cmd": ["sh", "-c", "echo $OVER $KEEP $(pwd) $(id -u)"], "Env": ["OVER=new"], "Labels": {"stage": "committed"},
  "ExposedPorts": {"9000/tcp": {}}, "WorkingDir": "/tmp", "User": "1000", "Volumes": {"/vol": {}}})
config = client.images.get("py/committed:v1").attrs["Config"]
print(json.dumps({key: config.get(key) for key in ["Cmd", "Entrypoint", "Env", "Labels", "ExposedPorts", "WorkingDir", "User", "Volumes"]}, sort_keys=True))
print(client.containers.run("py/committed:v1", remove=True).decode(), end="")
kept.remove(force=True)
print(len(client.containers.list(all=True)))
checked = client.containers.create("busybox", ["sleep", "600"], name="checked")
checked.commit("py/checked", "v1", changes=["HEALTHCHECK --interval=3s --retries=7 CMD wget -q localhost"])
again = client.containers.create("py/checked:v1", ["sleep", "600"], name="again")
again.commit("py/checked", "v2", conf={"Healthcheck": {"Test": ["CMD", "false"], "Interval": 5000000000}})
print(json.dumps([client.images.get("py/checked:" + tag).attrs["Config"]["Healthcheck"] for tag in ["v1", "v2"]], sort_keys=True))
checked.remove()
again.remove()
`;
  const result = await runCaptured(DEBIAN_PYTHON, ['-c', script], { env: clientEnv(engine), timeoutMs: 60_000, what: 'python3-docker' });
  t.equal(result.code, 0, `python3-docker ran: ${result.stderr}\n${await daemonErrors(engine)}`);
  const [hi, listed, config, ran, left, healthchecks] = result.stdout.split('\n');
  t.same([hi, listed, ran, left], ['hi from py', "['kept']", 'new 1 /tmp 1000', '0']);
  // The body's Config merged over the container's as Docker merges them: its keys win, the
  // container's env and labels fill in, the --change applies to it.
  t.same(JSON.parse(config!), {
    Cmd: ['sh', '-c', 'echo $OVER $KEEP $(pwd) $(id -u)'], Entrypoint: null,
    Env: ['OVER=new', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'KEEP=1'],
    Labels: { by: 'py', stage: 'committed', changed: 'yes' }, ExposedPorts: { '9000/tcp': {} }, WorkingDir: '/tmp', User: '1000', Volumes: { '/vol': {} },
  }, 'commit(conf=...): the image has the given Config over the container\'s');
  // A HEALTHCHECK change, then a Healthcheck in the body merged over the container's (from its
  // image) as Docker merges it: the given Test and Interval, the rest inherited.
  t.same(JSON.parse(healthchecks!), [
    { Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 3e9, Retries: 7 },
    { Test: ['CMD', 'false'], Interval: 5e9, Retries: 7 },
  ], 'commit(changes=["HEALTHCHECK ..."]) and commit(conf={"Healthcheck": ...})');
});
