import type { Pid, ProcessDefinition, ServerDefinition } from '../../dist/index.js';

export declare const ledger: ServerDefinition<[padBytes?: number]>;
export declare const client: ProcessDefinition<[server: Pid, id: number, count: number, parent: Pid]>;
export declare const shuttle: ProcessDefinition<[server: Pid, to: number, moves: number, parent: Pid]>;
export declare const rest: ProcessDefinition<[]>;
export declare const caster: ProcessDefinition<[server: Pid, id: number, count: number, parent: Pid]>;
export declare const spinner: ProcessDefinition<[ms: number, slices: number]>;
export declare const mover: ProcessDefinition<[server: Pid, core: number, ms: number, parent: Pid]>;
export declare const homebound: ServerDefinition<[padBytes?: number]>;
export declare const eagerCaster: ProcessDefinition<[server: Pid, id: number, count: number, parent: Pid]>;
