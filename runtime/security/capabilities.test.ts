import t from 'tap';
import { capabilityMask, DEFAULT_CAPABILITIES, normalizeCapability, resolveCapabilities } from './capabilities.js';

t.test('names are read as Docker reads them', async (t) => {
  t.equal(normalizeCapability('cap_sys_admin'), 'SYS_ADMIN');
  t.equal(normalizeCapability('NET_ADMIN'), 'NET_ADMIN');
  t.equal(normalizeCapability('all'), 'ALL');
  t.throws(() => normalizeCapability('SYS_EVERYTHING'), { name: 'ValidationError', message: /unknown capability/ });
});

t.test('the set: defaults, drops, adds, ALL, privileged', async (t) => {
  t.same(resolveCapabilities({}).length, DEFAULT_CAPABILITIES.length);
  t.notOk(resolveCapabilities({ capDrop: ['CHOWN'] }).includes('CHOWN'));
  t.ok(resolveCapabilities({ capAdd: ['SYS_ADMIN'] }).includes('SYS_ADMIN'));
  t.same(resolveCapabilities({ capDrop: ['ALL'], capAdd: ['KILL'] }), ['KILL'], 'drop ALL keeps only the adds');
  t.notOk(resolveCapabilities({ capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] }).includes('SYS_ADMIN'), 'add ALL minus the drops');
  t.equal(resolveCapabilities({ privileged: true, capDrop: ['ALL'] }).length, 41, 'privileged is everything');
});

t.test('the mask is bit n for capability n', async (t) => {
  t.equal(capabilityMask(['CHOWN']), '0x1');
  t.equal(capabilityMask(['SYS_ADMIN', 'CHOWN']), `0x${((1n << 21n) | 1n).toString(16)}`);
  t.equal(capabilityMask(DEFAULT_CAPABILITIES), '0xa80425fb', "Docker's default set, as /proc/self/status shows it");
});
