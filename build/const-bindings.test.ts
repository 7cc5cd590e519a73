import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConstBindings } from './const-bindings.js';

describe('withConstBindings', () => {
  it('makes a top-level var that nothing assigns const, at the same length', () => {
    const code =
      'var EMPTY = Symbol("empty");\nvar isEmpty = (slot) => slot === EMPTY;\nexport { isEmpty };\n';
    const out = withConstBindings(code);
    expect(out).toBe(
      'const EMPTY=Symbol("empty");\nconst isEmpty=(slot) => slot === EMPTY;\nexport { isEmpty };\n',
    );
    expect(out.length).toBe(code.length);
  });

  it.each([
    ['an assignment', 'var n = 1;\nfunction f() { n = 2; }'],
    ['a compound assignment', 'var n = 1;\nfunction f() { n += 2; }'],
    ['a logical assignment', 'var n = 1;\nfunction f() { n ??= 2; }'],
    ['an increment', 'var n = 1;\nfunction f() { return n++; }'],
    ['a prefix decrement', 'var n = 1;\nfunction f() { return --n; }'],
    ['a destructuring assignment', 'var n = 1;\nfunction f(a) { [, n] = a; }'],
    ['an object destructuring', 'var n = 1;\nfunction f(a) { ({ n } = a); }'],
    ['a destructuring with a default', 'var n = 1;\nfunction f(a) { ({ k: n = 3 } = a); }'],
    ['a rest element', 'var n = 1;\nfunction f(a) { [...n] = a; }'],
    ['a for-of target', 'var n = 1;\nfunction f(a) { for (n of a); }'],
    ['a for-in target', 'var n = 1;\nfunction f(a) { for (n in a); }'],
    ['an assignment to a local of the same name', 'var n = 1;\nfunction f() { let n = 0; n = 2; }'],
    ['a second declaration', 'var n = 1;\nvar n = 2;'],
    ['a function of the same name', 'var n = 1;\nfunction n() {}'],
  ])('keeps a var that has %s', (_, code) => {
    expect(withConstBindings(code)).toBe(code);
  });

  it('keeps a var without a value, and one that declares two names', () => {
    const code = 'var runtime;\nvar a = 1, b = 2;\n';
    expect(withConstBindings(code)).toBe(code);
  });

  it('leaves let, const and nested vars alone', () => {
    const code = 'let a = 1;\nconst b = 2;\nfunction f() { var c = 3; return c; }\n';
    expect(withConstBindings(code)).toBe(code);
  });

  it('has been applied to every package that is built', () => {
    // Run after the build (as `npm test` does): no chunk has a top-level var left to give back.
    const packages = new URL('../packages/', import.meta.url);
    let chunks = 0;
    for (const name of readdirSync(packages)) {
      const dist = new URL(`${name}/dist/`, packages);
      for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
        const code = readFileSync(new URL(file, dist), 'utf8');
        expect(withConstBindings(code), `${name}/dist/${file}`).toBe(code);
        chunks++;
      }
    }
    expect(chunks).toBeGreaterThan(5);
  });
});
