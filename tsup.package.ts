import { defineConfig, type Options } from 'tsup';
import { constBindings } from './build/const-bindings.js';

/**
 * The build every published package shares: ESM with declarations for Node 20. A package with worker
 * threads passes each worker's source as an extra entry, because a worker can only load built `.js`.
 */
export function packageBuild(entry: Options['entry'] = ['src/index.ts']) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    // The sources alone: tests import the built `dist`, which must not become an input of its own
    // declaration build.
    tsconfig: 'tsconfig.build.json',
    // esbuild declares a bundle's top-level constants with `var`; V8 folds them only as `const`.
    plugins: [constBindings()],
  });
}
