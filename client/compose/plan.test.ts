import t from 'tap';
import { configHash, containerLabels, LABEL } from './labels.js';
import type { Project, Service } from './model.js';
import { startOrder } from './order.js';
import { downImages, planDown, planUp, type ExistingContainer, type UpOptions } from './plan.js';

function service(name: string, over: Partial<Service> = {}): Service {
  return {
    name, image: 'busybox', environment: {}, ports: [], expose: [], volumes: [], tmpfs: [], networks: { default: null }, depends_on: {}, labels: {},
    cap_add: [], cap_drop: [], ulimits: {}, extra_hosts: [], dns: [], dns_search: [], dns_opt: [], profiles: [], scale: 1, placement: [], ...over,
  };
}

function project(services: Service[]): Project {
  return {
    name: 'app', workingDir: '/p', files: ['/p/compose.yaml'], disabled: [],
    services: Object.fromEntries(services.map((entry) => [entry.name, entry])),
    networks: { default: { name: 'app_default', external: false, labels: {}, driver_opts: {} } },
    volumes: { data: { name: 'app_data', external: false, labels: {}, driver_opts: {} } },
  };
}

const options: UpOptions = { services: [], forceRecreate: false, noRecreate: false, removeOrphans: false, scale: {} };
const db = service('db', { volumes: [{ type: 'volume', source: 'data', target: '/data' }], healthcheck: { test: ['CMD-SHELL', 'true'] } });
const web = service('web', { depends_on: { db: { condition: 'service_healthy', restart: false, required: true } } });

function existing(p: Project, name: string, number: number, status = 'running', over: Record<string, string> = {}): ExistingContainer {
  return { id: `${name}${number}`, name: `app-${name}-${number}`, status, labels: { ...containerLabels(p, p.services[name] ?? service(name), number), ...over } };
}

t.test('a fresh project: its network and volume, then its services in dependency order', async (t) => {
  const p = project([web, db]);
  const plan = planUp(p, { containers: [], networks: [], volumes: [] }, options);
  t.same(plan.networks.map((n) => n.network.name), ['app_default']);
  t.same(plan.volumes.map((v) => v.volume.name), ['app_data']);
  t.same(plan.services.map((s) => s.service), ['db', 'web']);
  t.same(plan.services[1].waitFor, [{ service: 'db', condition: 'service_healthy', required: true }]);
  t.same(plan.services.map((s) => s.steps), [[{ kind: 'create', number: 1, name: 'app-db-1' }], [{ kind: 'create', number: 1, name: 'app-web-1' }]]);
});

t.test('up again: nothing is created; a changed service alone is recreated; a stopped one started', async (t) => {
  const p = project([web, db]);
  const running = [existing(p, 'db', 1), existing(p, 'web', 1)];
  const again = planUp(p, { containers: running, networks: ['app_default'], volumes: ['app_data'] }, options);
  t.same(again.networks, []);
  t.same(again.volumes, []);
  t.same(again.services.flatMap((s) => s.steps.map((step) => step.kind)), ['keep', 'keep']);
  const changed = project([service('web', { ...web, environment: { A: '2' } }), db]);
  t.not(configHash(changed.services.web, changed), configHash(p.services.web, p));
  const plan = planUp(changed, { containers: running, networks: ['app_default'], volumes: ['app_data'] }, options);
  t.same(plan.services.map((s) => s.steps.map((step) => step.kind)), [['keep'], ['recreate']]);
  t.same(planUp(changed, { containers: running, networks: [], volumes: [] }, { ...options, noRecreate: true }).services.map((s) => s.steps[0].kind), ['keep', 'keep']);
  t.same(planUp(p, { containers: running, networks: [], volumes: [] }, { ...options, forceRecreate: true }).services.map((s) => s.steps[0].kind), ['recreate', 'recreate']);
  const stopped = planUp(p, { containers: [existing(p, 'db', 1, 'exited'), existing(p, 'web', 1)], networks: [], volumes: [] }, options);
  t.same(stopped.services.map((s) => s.steps[0].kind), ['start', 'keep']);
});

t.test('scale: new numbers fill the gaps, the highest go first', async (t) => {
  const p = project([service('w', { scale: 3 })]);
  const plan = planUp(p, { containers: [existing(p, 'w', 2)], networks: [], volumes: [] }, options);
  t.same(plan.services[0].steps.map((step) => (step.kind === 'create' ? step.name : step.kind)), ['keep', 'app-w-1', 'app-w-3']);
  const down = planUp(p, { containers: [1, 2, 3, 4].map((n) => existing(p, 'w', n)), networks: [], volumes: [] }, { ...options, scale: { w: 2 } });
  t.same(down.services[0].steps.map((step) => `${step.kind}:${'container' in step ? step.container.name : ''}`), ['remove:app-w-4', 'remove:app-w-3', 'keep:app-w-1', 'keep:app-w-2']);
});

t.test('orphans, other projects and one-off containers', async (t) => {
  const p = project([db]);
  const orphan = existing(project([db, service('old')]), 'old', 1);
  const other = { ...existing(p, 'db', 1), labels: { ...existing(p, 'db', 1).labels, [LABEL.project]: 'other' } };
  const oneoff = existing(p, 'db', 1, 'running', { [LABEL.oneoff]: 'True' });
  const plan = planUp(p, { containers: [orphan, other, oneoff], networks: [], volumes: [] }, options);
  t.same(plan.orphans.map((c) => c.name), ['app-old-1']);
  t.same(plan.services[0].steps, [{ kind: 'create', number: 1, name: 'app-db-1' }], 'the other project\'s and the one-off container are not ours');
  const down = planDown(p, [orphan, existing(p, 'db', 1)], { volumes: true, removeOrphans: true });
  t.same(down.containers.map((c) => c.name), ['app-old-1', 'app-db-1']);
  t.same(down.volumes, ['app_data']);
  t.same(down.networks, ['app_default']);
});

t.test('down stops dependents first; naming a service brings its dependencies; a cycle is an error', async (t) => {
  const p = project([web, db]);
  t.same(planDown(p, [existing(p, 'db', 1), existing(p, 'web', 1)], { volumes: false, removeOrphans: false }).containers.map((c) => c.name), ['app-web-1', 'app-db-1']);
  t.same(planUp(p, { containers: [], networks: [], volumes: [] }, { ...options, services: ['web'] }).services.map((s) => s.service), ['db', 'web']);
  t.same(planUp(p, { containers: [], networks: [], volumes: [] }, { ...options, services: ['db'] }).services.map((s) => s.service), ['db']);
  t.throws(() => planUp(p, { containers: [], networks: [], volumes: [] }, { ...options, services: ['nope'] }), /no such service: nope/);
  const cycle = project([service('a', { depends_on: { b: { condition: 'service_started', restart: false, required: true } } }), service('b', { depends_on: { a: { condition: 'service_started', restart: false, required: true } } })]);
  t.throws(() => startOrder(cycle), /dependency cycle detected: a -> b -> a/);
});

t.test('down --rmi: local removes the images built under the default name; all every service image, each once', async (t) => {
  const built = service('api', { image: undefined, build: { context: '/p' } });
  const named = service('worker', { image: 'team/worker:1', build: { context: '/p' } });
  const p = project([web, db, built, named]);
  t.same(downImages(p, 'local'), ['app-api']);
  t.same(downImages(p, 'all'), ['busybox', 'app-api', 'team/worker:1']);
  t.same(downImages(p, undefined), []);
  t.same(planDown(p, [], { volumes: false, removeOrphans: false, images: 'local' }).images, ['app-api']);
});
