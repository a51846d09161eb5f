import t from 'tap';
import { ValidationError } from '../../events/errors.js';
import { containerUserNamespace } from './userNamespace.js';

const remap = { uidMap: [{ containerId: 0, hostId: 100000, size: 65536 }], gidMap: [{ containerId: 0, hostId: 200000, size: 65536 }] };

t.test('without --userns-remap no container gets a user namespace', async (t) => {
  t.equal(containerUserNamespace({}, undefined), undefined);
  t.equal(containerUserNamespace({ usernsMode: 'host', security: { privileged: true } }, undefined), undefined);
});

t.test('with it, every container but --userns=host gets the daemon\'s range', async (t) => {
  t.same(containerUserNamespace({}, remap), remap);
  t.same(containerUserNamespace({ usernsMode: '' }, remap), remap);
  t.equal(containerUserNamespace({ usernsMode: 'host' }, remap), undefined);
});

t.test('what only host root may hold needs --userns=host', async (t) => {
  t.throws(() => containerUserNamespace({ security: { privileged: true } }, remap), ValidationError);
  t.throws(() => containerUserNamespace({ security: { network: 'host' } }, remap), /host's network namespace/);
  t.equal(containerUserNamespace({ usernsMode: 'host', security: { privileged: true, network: 'host' } }, remap), undefined);
});
