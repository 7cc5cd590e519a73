/**
 * @beamish/lfqueue — The Ladan-Mozes & Shavit optimistic lock-free FIFO queue over shared memory.
 *
 * Not built yet: this entry point exports nothing so far (see the package README).
 *
 * @packageDocumentation
 */
export {};
