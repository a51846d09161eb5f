import t from 'tap';
import { filterStrings, filterValues } from './filters.js';

t.test('Docker\'s filters JSON as key=value strings', async (t) => {
  t.same(filterStrings(undefined), []);
  t.same(filterStrings('{"label":["a=b","c"],"status":["exited"]}'), ['label=a=b', 'label=c', 'status=exited']);
  t.same(filterStrings('{"dangling":{"true":true,"false":false}}'), ['dangling=true'], 'the old map form');
  t.same(filterValues(['label=a=b', 'name=x'], 'label'), ['a=b']);
  t.throws(() => filterStrings('{label'), { name: 'ValidationError', message: 'invalid filter: {label' });
  t.throws(() => filterStrings('["x"]'), { name: 'ValidationError' });
  t.throws(() => filterStrings('{"label":"x"}'), /invalid filter 'label'/);
});
