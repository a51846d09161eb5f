/** What the handlers share: the engine client and the execs created but not yet done with. */
import type { EngineClient } from '../client/engineClient.js';
import type { ExecRegistry } from './execRegistry.js';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export interface ApiContext {
  /** The engine, reached exactly as the CLI reaches it. */
  client: EngineClient;
  execs: ExecRegistry;
  log: Logger;
}
