import type { Pid, ProcessDefinition, ServerDefinition } from '../../dist/index.js';

export declare const ledger: ServerDefinition<[]>;
export declare const client: ProcessDefinition<[server: Pid, id: number, count: number, parent: Pid]>;
export declare const shuttle: ProcessDefinition<[server: Pid, to: number, moves: number, parent: Pid]>;
export declare const rest: ProcessDefinition<[]>;
