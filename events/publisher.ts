/**
 * The contract of a fire-and-forget publish on the bus (a container's live output, a request's
 * progress): a NatsConnection satisfies it, and a test can hold what was published.
 */
export interface Publisher {
  publish(subject: string, data: Uint8Array): void;
}
