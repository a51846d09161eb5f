import t from 'tap';
import type { AnyEvent } from '../../events/all.js';
import { config, envelope } from '../container/given.js';
import { foldContainers } from './lostStates.js';

t.test('a lost host\'s containers folded from its log, as a replay would', async (t) => {
  const at = (entity: string, event: AnyEvent): AnyEvent => ({ ...event, entity, host: 'c' }) as AnyEvent;
  const events = [
    at('one', envelope({ type: 'container.created', data: { ...config, restartPolicy: { name: 'always', maximumRetryCount: 0 } } })),
    at('two', envelope({ type: 'container.created', data: { ...config, name: 'db' } })),
    at('one', envelope({ type: 'container.starting', data: {} })),
    at('one', envelope({ type: 'container.started', data: { pid: 10, shimPid: 9 } })),
    at('one', envelope({ type: 'container.renamed', data: { name: 'web2', oldName: 'web' } })),
  ];
  const states = foldContainers(events);
  t.same(states.map((s) => [s.id, s.status, s.config?.name, s.config?.restartPolicy?.name ?? 'no']), [['one', 'running', 'web2', 'always'], ['two', 'created', 'db', 'no']]);
  t.equal(states[0].host, 'c');
});
