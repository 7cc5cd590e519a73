import type { Pid, ProcessDefinition } from '../../dist/index.js';

export declare const echo: ProcessDefinition<[]>;
export declare const dieOn: ProcessDefinition<[reason: unknown]>;
export declare const idle: ProcessDefinition<[parent: Pid]>;
export declare const throwOn: ProcessDefinition<[message: string]>;
export declare const trapper: ProcessDefinition<[parent: Pid]>;
export declare const watcher: ProcessDefinition<[target: Pid, parent: Pid]>;
export declare const lateDemonitor: ProcessDefinition<[target: Pid, parent: Pid]>;
export declare const throwAfter: ProcessDefinition<[ms: number, message: string]>;
export declare const linker: ProcessDefinition<[target: Pid, parent: Pid]>;
export declare const registrar: ProcessDefinition<[name: string, parent: Pid]>;
export declare const hog: ProcessDefinition<[parent: Pid]>;
export declare const counter: ProcessDefinition<[to: Pid, count: number]>;
export declare const crashThread: ProcessDefinition<[]>;
export declare const echoBack: ProcessDefinition<[]>;
export declare const throwAtOnce: ProcessDefinition<[message: string]>;
export declare const misnamed: ProcessDefinition<[]>;
export declare const poke: ProcessDefinition<[value: number]>;
