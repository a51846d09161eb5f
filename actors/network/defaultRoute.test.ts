import t from 'tap';
import { gatewayAfterConnect, gatewayAfterDisconnect, gatewayNetwork } from './defaultRoute.js';

const net = (name: string, internal = false) => ({ name, internal });

t.test('the default route is the first network that is not internal', async (t) => {
  t.equal(gatewayNetwork([net('front'), net('back')])?.name, 'front');
  t.equal(gatewayNetwork([net('db', true), net('front')])?.name, 'front', 'an internal network has no way out');
  t.equal(gatewayNetwork([net('db', true)]), undefined);
  t.equal(gatewayNetwork([]), undefined);
});

t.test('disconnecting the network of the default route moves it to the next one', async (t) => {
  t.equal(gatewayAfterDisconnect([net('front'), net('back'), net('side')], 'front')?.name, 'back');
  t.equal(gatewayAfterDisconnect([net('front'), net('db', true), net('side')], 'front')?.name, 'side', 'past an internal network');
  t.equal(gatewayAfterDisconnect([net('db', true), net('front'), net('side')], 'front')?.name, 'side');
});

t.test('otherwise it stays, or there is none left', async (t) => {
  t.equal(gatewayAfterDisconnect([net('front'), net('back')], 'back'), undefined, 'another network gave it');
  t.equal(gatewayAfterDisconnect([net('db', true), net('front')], 'db'), undefined, 'an internal network never gave it');
  t.equal(gatewayAfterDisconnect([net('front'), net('db', true)], 'front'), undefined, 'only an internal network is left');
  t.equal(gatewayAfterDisconnect([net('front')], 'front'), undefined, 'no network is left');
});

t.test('a live connect gives the default route to a container that has none', async (t) => {
  t.equal(gatewayAfterConnect([net('db', true), net('front')], 'front')?.name, 'front', 'it was on an internal network only');
  t.equal(gatewayAfterConnect([net('front')], 'front')?.name, 'front', 'it was on no network left');
  t.equal(gatewayAfterConnect([net('a', true), net('b', true), net('front')], 'front')?.name, 'front', 'past every internal one');
});

t.test('a connect leaves the route where it is, unless the new network comes first, as at a restart', async (t) => {
  t.equal(gatewayAfterConnect([net('front'), net('back')], 'back'), undefined, 'front still gives it');
  t.equal(gatewayAfterConnect([net('db', true), net('back'), net('side')], 'side'), undefined, 'back still gives it');
  t.equal(gatewayAfterConnect([net('db', true)], 'db'), undefined, 'an internal network gives none');
  t.equal(gatewayAfterConnect([net('db', true), net('back'), net('side')], 'back')?.name, 'back', 'before the one that gave it: the route moves');
});
