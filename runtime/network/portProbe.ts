/** Whether a process of the host holds a port: found by binding it (and letting go at once). */
import dgram from 'node:dgram';
import net from 'node:net';

export interface ProbedPort {
  /** '': every address. */
  hostIp: string;
  hostPort: number;
  protocol: string;
}

/** True when binding the port fails with EADDRINUSE (or EADDRNOTAVAIL: no such address here). */
export function portInUse(port: ProbedPort): Promise<boolean> {
  const address = port.hostIp || '0.0.0.0';
  const ipv6 = address.includes(':');
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL') resolve(true);
      else reject(error);
    };
    if (port.protocol === 'udp') {
      const socket = dgram.createSocket({ type: ipv6 ? 'udp6' : 'udp4', ipv6Only: ipv6 });
      socket.once('error', failed);
      socket.bind(port.hostPort, address, () => socket.close(() => resolve(false)));
      return;
    }
    const server = net.createServer();
    server.once('error', failed);
    server.listen({ port: port.hostPort, host: address, exclusive: true, ipv6Only: ipv6 }, () => server.close(() => resolve(false)));
  });
}
