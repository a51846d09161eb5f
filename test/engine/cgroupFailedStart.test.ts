/**
 * A start the kernel refuses after the container's cgroup is made (a CPU set naming a CPU the
 * machine does not have: the write of cpuset.cpus fails with EINVAL) leaves no cgroup: the
 * dirs were left behind in every v1 hierarchy before (issue 23, "leaked cgroups").
 */
import os from 'node:os';
import t from 'tap';
import { cgroupDirsOf, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

t.test('a start refused by the cgroup leaves no cgroup', async (t) => {
  const absent = os.cpus().length + 7;
  const create = await engine.berth(['create', '--cpuset-cpus', String(absent), 'busybox', 'true']);
  t.equal(create.code, 0, `created (${create.stderr.trim()})`);
  const id = create.stdout.trim();
  const start = await engine.berth(['start', id]);
  t.not(start.code, 0, `the start fails: ${start.stderr.trim()}`);
  t.same(await cgroupDirsOf(id), [], 'no cgroup dir is left in any hierarchy');
  await engine.ok(['rm', '-f', id]);
});
