/**
 * @beamish/cl-style — A Lisp-flavoured `withWorker` form that composes the other packages.
 *
 * Not built yet: this entry point exports nothing so far (see the package README).
 *
 * @packageDocumentation
 */
export {};
