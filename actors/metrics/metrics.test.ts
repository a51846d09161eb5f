import t from 'tap';
import { Registry } from 'prom-client';
import { ContainerSeries } from './containerSeries.js';
import { parseListenAddress } from './server.js';

t.test('the metrics address is HOST:PORT', async (t) => {
  t.same(parseListenAddress('127.0.0.1:9323'), { host: '127.0.0.1', port: 9323 });
  t.same(parseListenAddress(':9323'), { host: '', port: 9323 }, 'every address');
  t.same(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
  t.throws(() => parseListenAddress('9323'), /invalid metrics address "9323": use HOST:PORT/);
  t.throws(() => parseListenAddress('host:99999'), /use HOST:PORT/);
});

t.test('container series: cAdvisor\'s names and labels, replaced whole at each reading', async (t) => {
  const registry = new Registry();
  const series = new ContainerSeries(registry);
  const stats = { memoryUsage: 100, memoryLimit: null, memoryCurrent: 150, oomKills: 2, cpuUsageNs: 1_500_000_000, pids: 3, pidsLimit: 10, ioReadBytes: 0, ioWriteBytes: 7 };
  series.set([{ id: 'abc', name: 'web', image: 'busybox', stats }]);
  const text = await registry.metrics();
  const labels = '{name="web",id="/berth/abc",image="busybox"}';
  t.match(text, `container_cpu_usage_seconds_total${labels} 1.5\n`);
  t.match(text, `container_oom_events_total${labels} 2\n`);
  t.match(text, `container_memory_working_set_bytes${labels} 100\n`);
  t.match(text, `container_memory_usage_bytes${labels} 150\n`);
  t.match(text, `container_spec_memory_limit_bytes${labels} 0\n`, 'no limit is 0, as cAdvisor');
  t.match(text, `container_threads_max${labels} 10\n`);
  series.set([]);
  t.notMatch(await registry.metrics(), 'name="web"', 'a container gone has no series');
});
