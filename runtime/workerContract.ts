/**
 * What the actors ask of the worker (runtime/worker.ts): its public members, as a contract. The
 * daemon passes the Worker, which touches the kernel; a unit test passes a fake
 * (test/fakes/worker.ts) and the actors cannot tell.
 */
import type { Worker } from './worker.js';

export type WorkerContract = { [Member in keyof Worker]: Worker[Member] };
