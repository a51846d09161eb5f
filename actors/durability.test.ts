import t from 'tap';
import { durabilityOf } from './durability.js';

t.test('one copy promises crashes, not power cuts; several promise one machine\'s loss', async (t) => {
  t.match(durabilityOf(1), { replicas: 1, setup: 'single', guarantee: /crash of any process, not a power cut/ });
  t.match(durabilityOf(0), { replicas: 1, setup: 'single' }, 'a stream without a replica count is one copy');
  t.match(durabilityOf(3), { replicas: 3, setup: 'replicated', guarantee: /^3 copies: .*one node losing its unsynced writes.*not a power cut of a majority at once$/ });
  t.match(durabilityOf(2), { guarantee: /not a power cut of both at once$/ });
});
