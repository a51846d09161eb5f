/** Published ports: what `-p` asks for, and what a container's config records once a host port is chosen. */
import * as z from 'zod';
import { lazySchema } from './lazySchema.js';

export const PortProtocol = lazySchema(() => z.enum(['tcp', 'udp']));
export type PortProtocol = z.infer<typeof PortProtocol>;

/** An exposed port as Docker keys it: '80/tcp' (Config.ExposedPorts, --expose, EXPOSE). */
export const ExposedPort = lazySchema(() => z.string().refine((text) => {
  const match = /^(\d{1,5})\/(tcp|udp)$/.exec(text);
  return match !== null && Number(match[1]) >= 1 && Number(match[1]) <= 65535;
}, { message: "an exposed port is PORT/tcp or PORT/udp, PORT 1-65535" }));
export type ExposedPort = z.infer<typeof ExposedPort>;

/** One `-p` mapping as asked (client/ports.ts parses it). */
export const PortRequest = lazySchema(() => z.object({
  containerPort: z.number().int().min(1).max(65535),
  protocol: PortProtocol,
  /** The host address it is published on; '': every address (Docker's 0.0.0.0). */
  hostIp: z.string(),
  /** As given: '' (a free port), 'N', or 'N-M' (a free port of that range). */
  hostPort: z.string(),
}));
export type PortRequest = z.infer<typeof PortRequest>;

/** One published port as the config records it: the request and the host port chosen for it. */
export const PublishedPort = lazySchema(() => z.object({
  containerPort: PortRequest.shape.containerPort,
  protocol: PortProtocol,
  hostIp: z.string(),
  /** The host port, chosen at create and kept while the container exists. */
  hostPort: z.number().int().min(1).max(65535),
  /** The host port as asked (HostConfig.PortBindings' HostPort). */
  requested: z.string(),
  /** Published by -P for the image's EXPOSE (not in HostConfig.PortBindings, as Docker). */
  exposed: z.boolean().optional(),
}));
export type PublishedPort = z.infer<typeof PublishedPort>;

/** Docker's key of a container port: '80/tcp'. */
export function portKey(port: { containerPort: number; protocol: string }): string {
  return `${port.containerPort}/${port.protocol}`;
}
