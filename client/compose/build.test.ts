import t from 'tap';
import { buildCreateRequest } from '../createOptions.js';
import { serviceBuild, serviceImage } from './build.js';
import type { Project, Service } from './model.js';
import { serviceCreateOptions } from './toCreate.js';

const service = (name: string, more: Partial<Service>): Service => ({
  name, environment: {}, ports: [], expose: [], volumes: [], tmpfs: [], networks: { default: null }, depends_on: {}, labels: {},
  cap_add: [], cap_drop: [], ulimits: {}, extra_hosts: [], dns: [], dns_search: [], dns_opt: [], profiles: [], scale: 1, placement: [], ...more,
});
const project = (...services: Service[]): Project => ({
  name: 'shop', workingDir: '/p', files: ['/p/compose.yaml'], disabled: [], services: Object.fromEntries(services.map((entry) => [entry.name, entry])),
  networks: { default: { name: 'shop_default', external: false, labels: {}, driver_opts: {} } }, volumes: {},
});

t.test('the image a built service runs: image:, else <project>-<service>', async (t) => {
  const web = service('web', { build: { context: '/p/web' } });
  const api = service('api', { image: 'registry.local/api:2', build: { context: '/p/api' } });
  t.equal(serviceImage(project(web), web), 'shop-web');
  t.equal(serviceImage(project(api), api), 'registry.local/api:2');
  t.equal(buildCreateRequest(serviceCreateOptions(project(web), web, { name: 'shop-web-1', number: 1 })).imageRef, 'shop-web', 'the container runs it');
});

t.test('the build asked of the builder', async (t) => {
  const web = service('web', { build: { context: '/p/web', dockerfile: '../docker/Web.Dockerfile', args: { A: '1' }, target: 'prod', labels: { team: 'x' }, network: 'host' } });
  t.same(serviceBuild(project(web), web), {
    service: 'web', image: 'shop-web', context: '/p/web', dockerfile: '/p/docker/Web.Dockerfile',
    options: {
      tags: ['shop-web:latest'], buildArgs: { A: '1' }, target: 'prod', noCache: false,
      labels: { team: 'x', 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' }, network: 'host',
    },
  });
  const plain = service('plain', { build: { context: '/p', network: 'default' } });
  t.match(serviceBuild(project(plain), plain, true), { dockerfile: '/p/Dockerfile', options: { noCache: true, buildArgs: {} } });
  t.equal(serviceBuild(project(plain), plain).options.network, undefined, 'network default: the builder\'s own');
  const remote = service('remote', { build: { context: 'https://github.com/x/y.git' } });
  t.throws(() => serviceBuild(project(remote), remote), { exitCode: 17, message: /berth builds from a local directory only/ });
  const bad = service('bad', { image: 'Not Valid', build: { context: '/p' } });
  t.throws(() => serviceBuild(project(bad), bad), { exitCode: 17, message: /invalid reference format: Not Valid/ });
});
