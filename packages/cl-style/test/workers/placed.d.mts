import type { WorkerDefinition } from '../../dist/index.js';

export declare const whereAmI: WorkerDefinition<{ core: number | undefined; thread: number }>;
export declare const doubler: WorkerDefinition<number>;
export declare const failing: WorkerDefinition<never>;
export declare const waiting: WorkerDefinition<unknown>;
