import type {
  Pid,
  ProcessDefinition,
  Request,
  ServerDefinition,
  SupervisorDefinition,
  TaskDefinition,
} from '../../dist/index.js';

export type KvRequest =
  | Request<['get', string], unknown>
  | Request<['put', string, unknown], 'ok'>
  | Request<['sleep', number, unknown], unknown>
  | Request<['throw', string], never>
  | Request<['stop', unknown], unknown>
  | Request<['wait'], unknown>
  | Request<['where'], number>
  | Request<['bad'], never>;
export type KvCast = readonly ['release', unknown] | readonly ['stop', unknown];
export interface KvOptions {
  trap?: boolean;
  failWith?: string;
}
export interface MemberHow {
  trap?: boolean;
  lingerMs?: number;
}
export interface Flags {
  strategy?: 'oneForOne' | 'oneForAll' | 'restForOne';
  intensity?: number;
  periodMs?: number;
}

export declare const kvStore: ServerDefinition<[observer: Pid, options?: KvOptions], KvRequest, KvCast>;
export declare const member: ProcessDefinition<[id: string, observer: Pid, how?: MemberHow]>;
export declare const team: SupervisorDefinition<
  [
    flags: Flags,
    ids: string[],
    observer: Pid,
    how?: MemberHow & { spec?: Record<string, unknown>; options?: { affinity?: number } },
  ]
>;
export declare const crew: SupervisorDefinition<[flags?: Flags]>;
export declare const badSup: SupervisorDefinition<[which: string]>;
export declare const tree: SupervisorDefinition<[observer: Pid]>;
export declare const branch: SupervisorDefinition<[observer: Pid]>;
export declare const upper: SupervisorDefinition<[ids: string[], observer: Pid]>;
export declare const flaky: ServerDefinition<[key: string, observer: Pid], never, never>;
export declare const fragile: SupervisorDefinition<[key: string, observer: Pid, intensity: number]>;
export declare const sumTo: TaskDefinition<[n: number], [sum: number, threadId: number]>;
export declare const failing: TaskDefinition<[message: string], never>;
