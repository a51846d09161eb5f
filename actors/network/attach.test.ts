import t from 'tap';
import type { CreateSpec } from '../../events/requests.js';
import { HOST_MODE_PORTS_WARNING, networkingWarnings } from './attach.js';

const spec = (network: 'host' | 'none' | undefined, ports: boolean): CreateSpec => ({
  imageRef: 'busybox',
  ...(network ? { security: { network } } : {}),
  ...(ports ? { networking: { aliases: [], extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [], ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: '8080' }] } } : {}),
} as CreateSpec);

t.test("ports published with host networking are discarded with Docker's warning", async (t) => {
  t.same(networkingWarnings(spec('host', true)), [HOST_MODE_PORTS_WARNING]);
  t.equal(HOST_MODE_PORTS_WARNING, 'Published ports are discarded when using host network mode');
  t.same(networkingWarnings(spec('none', true)), [], 'none discards them silently, as Docker does');
  t.same(networkingWarnings(spec(undefined, true)), [], 'a bridge publishes them');
  t.same(networkingWarnings(spec('host', false)), []);
});
