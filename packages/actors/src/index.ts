/**
 * @beamish/actors — Erlang process semantics: spawn, send, selective receive, links, monitors, registered names, supervisors and servers.
 *
 * Not built yet: this entry point exports nothing so far (see the package README).
 *
 * @packageDocumentation
 */
export {};
