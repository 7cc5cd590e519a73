/**
 * @beamish/scheduler — One scheduler per CPU core: round-robin time slicing, random-but-even placement and rebalancing.
 *
 * Not built yet: this entry point exports nothing so far (see the package README).
 *
 * @packageDocumentation
 */
export {};
