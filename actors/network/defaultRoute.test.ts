import t from 'tap';
import { gatewayAfterDisconnect, gatewayNetwork } from './defaultRoute.js';

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
