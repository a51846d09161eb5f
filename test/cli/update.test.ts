/** update --cpus, --cpu-shares, --cpuset-cpus: recorded, and written into the running container's cgroup. */
import fs from 'node:fs/promises';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const v2 = await fs.access('/sys/fs/cgroup/cgroup.controllers').then(() => true, () => false);
const cgroupFile = (id: string, v1: string, v1Controller: string, v2File: string) =>
  fs.readFile(v2 ? `/sys/fs/cgroup/berth/${id}/${v2File}` : `/sys/fs/cgroup/${v1Controller}/berth/${id}/${v1}`, 'utf8').then((s) => s.trim());

t.test('CPU limits change live, and the others stay', async (t) => {
  const id = (await engine.ok(['run', '-d', '--name', 'cpu', '--cpu-shares', '512', 'busybox', 'sleep', '1000'])).trim();
  t.equal(await engine.ok(['update', '--cpus', '0.5', '--cpuset-cpus', '0', 'cpu']), 'cpu\n');
  const host = (await engine.inspect('cpu')).HostConfig;
  t.match(host, { NanoCpus: 500_000_000, CpusetCpus: '0', CpuShares: 512 }, 'the shares given at run are kept');
  if (v2) t.equal(await cgroupFile(id, '', '', 'cpu.max'), '50000 100000');
  else t.equal(await cgroupFile(id, 'cpu.cfs_quota_us', 'cpu', ''), '50000');
  t.equal(await cgroupFile(id, 'cpuset.cpus', 'cpuset', 'cpuset.cpus'), '0');
  const bad = await engine.berth(['update', '--cpus', '0', 'cpu']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid value "0" for --cpus/);
  await engine.ok(['rm', '-f', 'cpu']);
});
