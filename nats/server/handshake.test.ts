import t from 'tap';
import { AuthorizationError, TimeoutError } from '@nats-io/transport-node';
import { cutDuringHandshake } from './handshake.js';

function socketError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

t.test('a handshake the server cut is made again', async (t) => {
  t.ok(cutDuringHandshake(socketError('write EPIPE', 'EPIPE')), 'CONNECT written after the server closed');
  t.ok(cutDuringHandshake(socketError('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET')), 'closed during the TLS upgrade');
  t.ok(cutDuringHandshake(socketError('read ECONNRESET', 'ECONNRESET')));
  t.ok(cutDuringHandshake(new AuthorizationError("'Authentication Timeout'")), 'the server\'s auth timer, read before the close');
});

t.test('other failures are not made again', async (t) => {
  t.notOk(cutDuringHandshake(new AuthorizationError("'Authorization Violation'")), 'a wrong credential');
  t.notOk(cutDuringHandshake(socketError('connect ECONNREFUSED 127.0.0.1:4222', 'ECONNREFUSED')), 'no server');
  t.notOk(cutDuringHandshake(new TimeoutError()), 'a node that does not answer');
  t.notOk(cutDuringHandshake(socketError('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')), 'an untrusted certificate');
  t.notOk(cutDuringHandshake(new Error('the NATS server is not the embedded nats-server: its certificate differs')));
  t.notOk(cutDuringHandshake(undefined));
});

