import t from 'tap';
import { afterProbe, healthConfig, probeCommand } from './health.js';

t.test('the command a check runs', async (t) => {
  t.same(probeCommand(['CMD-SHELL', 'test -f /ok']), ['/bin/sh', '-c', 'test -f /ok']);
  t.same(probeCommand(['CMD', 'true']), ['true']);
  t.equal(probeCommand(['NONE']), null);
  t.equal(probeCommand(['CMD']), null);
});

t.test("Docker's transitions", async (t) => {
  const starting = { status: 'starting' as const, failingStreak: 0 };
  t.same(afterProbe(starting, true, 3, true), { status: 'healthy', failingStreak: 0 });
  t.same(afterProbe(starting, false, 3, true), starting, 'failures in the start period do not count');
  t.same(afterProbe(starting, false, 1, false), { status: 'unhealthy', failingStreak: 1 });
  const healthy = { status: 'healthy' as const, failingStreak: 0 };
  t.same(afterProbe(healthy, false, 3, false), { status: 'healthy', failingStreak: 1 });
  t.same(afterProbe({ status: 'healthy', failingStreak: 2 }, false, 3, false), { status: 'unhealthy', failingStreak: 3 });
  t.same(afterProbe({ status: 'unhealthy', failingStreak: 5 }, true, 3, false), { status: 'healthy', failingStreak: 0 });
});

t.test('flags override the image; NONE and --no-healthcheck disable', async (t) => {
  const image = { test: ['CMD', 'check'], interval: 5e9, timeout: 1e9, retries: 2 };
  t.same(healthConfig({}, image), { test: ['CMD', 'check'], intervalMs: 5000, timeoutMs: 1000, startPeriodMs: 0, retries: 2 });
  t.same(healthConfig({ cmd: 'true', intervalMs: 100 }, image), { test: ['CMD-SHELL', 'true'], intervalMs: 100, timeoutMs: 1000, startPeriodMs: 0, retries: 2 });
  t.equal(healthConfig({ none: true }, image), undefined);
  t.equal(healthConfig({}, { test: ['NONE'] }), undefined);
  t.equal(healthConfig({}, undefined), undefined);
});
