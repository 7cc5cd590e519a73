import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, copy, Decoder, defineExtension, Encoder, needsNoCopy } from '../src/index.js';

const encoder = new Encoder();
const decoder = new Decoder();
const roundTrip = (value: unknown) => decoder.decode(encoder.encode(value));

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
defineExtension({
  tag: 7,
  type: Point,
  encode: (p): [number, number] => [p.x, p.y],
  decode: ([x, y]) => new Point(x, y),
});

/** Every kind of value the codec carries, nested. */
const leaf = fc.oneof(
  fc.constantFrom(undefined, null, true, false, 0, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ minLength: 30, maxLength: 200 }),
  fc.bigInt(),
  fc.date({ noInvalidDate: true }),
  fc.float64Array({ maxLength: 8 }),
  fc.int32Array({ maxLength: 8 }),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => bytes.buffer),
  fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('array'),
    tie('object'),
    tie('map'),
    tie('set'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 5, noNullPrototype: true }),
  map: fc
    .array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie('value')), { maxLength: 4 })
    .map((e) => new Map(e)),
  set: fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }).map((e) => new Set(e)),
}));

describe('the message codec', () => {
  it('round-trips every kind of value it carries, however nested (property)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
      { numRuns: 2000 },
    );
  }, 30_000); // CPU-bound: several times slower on a loaded machine

  it('grows its buffer at any point of a value (every kind of field crossing the old end)', () => {
    for (let n = 1; n < 1500; n += 7) {
      const value = Array.from({ length: n }, (_, i) => [i * 0.5, { k: i }, new Date(i), 'é'.repeat(i % 5)]);
      expect(new Decoder().decode(new Encoder().encode(value))).toEqual(value);
    }
  }, 30_000);

  it('grows its buffer inside each field of a small message, its address, shape and record included', () => {
    const message = { kind: 'item', seq: 123_456, to: -1, body: ['abc', 'x', 7, ['defghij'], 2.5] };
    // An encoder starts with 4,096 bytes: the filler (a tag, a kind, a length, then its bytes) leaves
    // the messages after it to cross that end at each of their bytes in turn.
    for (let free = 0; free < 200; free++) {
      const filler = new Uint8Array(4096 - 6 - free);
      const ownEncoder = new Encoder();
      ownEncoder.append(filler);
      ownEncoder.appendAddressed(3, 77, message);
      ownEncoder.append(message);
      const got: unknown[] = [];
      new Decoder().decodeEach(ownEncoder.bytes(), 0, ownEncoder.length, (v, service, address) =>
        got.push([v, service, address]),
      );
      expect(got).toStrictEqual([
        [filler, -1, 0],
        [message, 3, 77],
        [message, -1, 0],
      ]);
    }
  });

  it('keeps -0, NaN, long and non-ASCII strings, bigint signs and extension classes', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(Number.NaN)).toBeNaN();
    expect(roundTrip('ünïcødé ✓ 𝄞')).toBe('ünïcødé ✓ 𝄞');
    expect(roundTrip('x'.repeat(100_000))).toBe('x'.repeat(100_000));
    expect(roundTrip(-(2n ** 100n))).toBe(-(2n ** 100n));
    const point = roundTrip(new Point(1, 2));
    expect(point).toBeInstanceOf(Point);
    expect(point).toEqual(new Point(1, 2));
  });

  it('rebuilds errors with their class, message, stack, cause and own properties', () => {
    const cause = new TypeError('inner');
    const error = Object.assign(new RangeError('outer', { cause }), { reason: 'scheduler_down', code: 7 });
    const copy = roundTrip(error) as RangeError & { reason: string; code: number };
    expect(copy).toBeInstanceOf(RangeError);
    expect(copy.message).toBe('outer');
    expect(copy.stack).toBe(error.stack);
    expect(copy.cause).toBeInstanceOf(TypeError);
    expect((copy.cause as Error).message).toBe('inner');
    expect([copy.reason, copy.code]).toEqual(['scheduler_down', 7]);
    class Custom extends Error {
      override name = 'Custom';
    }
    const custom = roundTrip(new Custom('mine')) as Error;
    expect([custom.name, custom.message, custom instanceof Error]).toEqual(['Custom', 'mine', true]);
  });

  it('tells a plain object by its prototype alone, whatever its constructor property says', () => {
    const bare = Object.assign(Object.create(null), { n: 1 });
    expect(Object.getPrototypeOf(roundTrip(bare))).toBe(Object.prototype);
    expect(roundTrip(bare)).toEqual({ n: 1 });
    expect(roundTrip({ constructor: 'Map', n: 2 })).toEqual({ constructor: 'Map', n: 2 });
    // Inherits `constructor === Object`, but its prototype is not Object.prototype: an instance.
    expect(() => encoder.encode(Object.create({ inherited: 1 }))).toThrow(
      /message cannot be copied: it is an instance of Object/,
    );
  });

  it('keeps a "__proto__" key a key, without touching the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}');
    const copy = roundTrip(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('finds short strings again by their bytes, however many, and wherever they end (property)', () => {
    // Thousands of strings of every short length, NULs included: more than the caches have slots.
    const strings = Array.from({ length: 3000 }, (_, i) => i.toString(36).padStart(1 + (i % 12), '\0'));
    // Equal bytes but for trailing NULs: only their lengths tell them apart.
    strings.push('a', 'a\0', 'a\0\0\0', 'a\0\0\0\0', 'a\0\0\0\0\0\0\0', '', '\0');
    const ownDecoder = new Decoder();
    for (let pass = 0; pass < 2; pass++) {
      expect(ownDecoder.decode(encoder.encode(strings))).toEqual(strings);
      // Each alone in memory of its own size: the string ends the memory, where eight bytes cannot be read.
      for (const text of strings) expect(ownDecoder.decode(encoder.encode(text).slice())).toBe(text);
    }
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii', maxLength: 12 }), { maxLength: 8 }), (texts) => {
        expect(ownDecoder.decode(encoder.encode(texts))).toEqual(texts);
        expect(ownDecoder.decode(encoder.encode(texts).slice())).toEqual(texts);
      }),
    );
  });

  it('sends the keys of each shape of object once per stream, and only its values after (property)', () => {
    // Objects drawn from a few keys, so that shapes recur within a stream, among every other value.
    const keyed = fc.dictionary(fc.constantFrom('kind', 'seq', 'to', 'body', '0', 'é', ''), value, {
      maxKeys: 4,
      noNullPrototype: true,
    });
    const streamed = fc.array(fc.oneof(keyed, value, fc.array(keyed, { maxLength: 3 })), { maxLength: 12 });
    const ownEncoder = new Encoder();
    const ownDecoder = new Decoder();
    const decodeStream = () => {
      const values: unknown[] = [];
      ownDecoder.decodeEach(ownEncoder.bytes(), 0, ownEncoder.length, (v) => values.push(v));
      return values;
    };
    fc.assert(
      fc.property(streamed, streamed, streamed, (kept, dropped, after) => {
        ownEncoder.clear();
        for (const v of kept) ownEncoder.append(v);
        // Shapes first defined in bytes that are then cut off must be defined again after.
        const length = ownEncoder.length;
        for (const v of dropped) ownEncoder.append(v);
        ownEncoder.truncate(length);
        for (const v of after) ownEncoder.append(v);
        expect(decodeStream()).toStrictEqual([...kept, ...after]);
      }),
      { numRuns: 1000 },
    );
    // The keys go once: a hundred objects of one shape take little more than a hundred arrays of their values.
    ownEncoder.clear();
    for (let i = 0; i < 100; i++) ownEncoder.append({ kind: 'item', seq: i, to: 1 });
    const asRecords = ownEncoder.length;
    ownEncoder.clear();
    for (let i = 0; i < 100; i++) ownEncoder.append(['item', i, 1]);
    expect(asRecords).toBeLessThan(ownEncoder.length + 40);
    expect(decodeStream()).toEqual(Array.from({ length: 100 }, (_, i) => ['item', i, 1]));
  }, 30_000);

  it('finds each of many sibling shapes again, defining it once, and carries the empty key', () => {
    const ownEncoder = new Encoder();
    // Four shapes from one node of the trie: two in its fields, the others in its map.
    const siblings = (i: number) => [{ k: i }, { kind: i }, { kx: i }, { ky: i, '': i }];
    for (let i = 0; i < 100; i++) for (const sibling of siblings(i)) ownEncoder.append(sibling);
    const values: unknown[] = [];
    new Decoder().decodeEach(ownEncoder.bytes(), 0, ownEncoder.length, (v) => values.push(v));
    expect(values).toStrictEqual(Array.from({ length: 100 }, (_, i) => siblings(i)).flat());
    // Each of the first three defined once, then a record of one value (10 bytes); the fourth, with
    // the empty key, at most key by key every time (tag, count, two keys and their values).
    const keyByKey = 1 + 4 + (5 + 2) + 5 + (5 + 0) + 5;
    const shapes = 3 * (1 + 4 + 5 + 'kind'.length);
    expect(ownEncoder.length).toBeLessThanOrEqual(100 * (3 * 10 + keyByKey) + shapes);
  });

  it('forgets a shape whose definition a refused value took back', () => {
    const ownEncoder = new Encoder();
    ownEncoder.clear();
    // The object's shape is defined, then its last value is refused: the whole value goes.
    expect(() => ownEncoder.append({ a: 1, b: () => 0 })).toThrow(CodecError);
    expect(ownEncoder.length).toBe(0);
    ownEncoder.append({ a: 1, b: 2 });
    ownEncoder.append({ a: 3, b: 4 });
    const values: unknown[] = [];
    new Decoder().decodeEach(ownEncoder.bytes(), 0, ownEncoder.length, (v) => values.push(v));
    expect(values).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
  });

  it('keeps each stream’s shapes apart when one is decoded inside another', () => {
    const outer = new Encoder();
    for (let i = 0; i < 3; i++) outer.append({ x: i, y: [i] });
    const bytes = outer.bytes().slice();
    // Its own shapes, numbered from 0 like the outer stream's: a record of its shape 0 is a {y, x}.
    const innerValue = [{ y: 'inner', x: 0 }, { z: true }, { y: 'again', x: 1 }];
    const inner = new Encoder().encode(innerValue).slice();
    const ownDecoder = new Decoder();
    const seen: unknown[] = [];
    ownDecoder.decodeEach(bytes, 0, bytes.length, (v) => {
      seen.push(v, ownDecoder.decode(inner));
    });
    expect(seen).toEqual([
      { x: 0, y: [0] },
      innerValue,
      { x: 1, y: [1] },
      innerValue,
      { x: 2, y: [2] },
      innerValue,
    ]);
  });

  it('writes key by key what a shape cannot hold: many keys, "__proto__", thousands of shapes', () => {
    const ownEncoder = new Encoder();
    const ownDecoder = new Decoder();
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    // Objects used as dictionaries: a new shape each, more than the encoder and decoder keep.
    const dictionaries = Array.from({ length: 5000 }, (_, i) => ({ [`id${i}`]: i, shared: true }));
    for (let pass = 0; pass < 2; pass++) {
      ownEncoder.clear();
      ownEncoder.append(wide);
      ownEncoder.append(wide);
      for (const dictionary of dictionaries) ownEncoder.append(dictionary);
      const values: unknown[] = [];
      ownDecoder.decodeEach(ownEncoder.bytes(), 0, ownEncoder.length, (v) => values.push(v));
      expect(values).toEqual([wide, wide, ...dictionaries]);
    }
  });

  it('refuses an object whose keys change while it is copied (a getter, a Proxy), sending nothing of it', () => {
    const ownEncoder = new Encoder();
    ownEncoder.append('before');
    const length = ownEncoder.length;
    const object: Record<string, unknown> = {
      get first() {
        delete object.second;
        return 1;
      },
      second: 2,
    };
    expect(() => ownEncoder.append(object)).toThrow(/keys changed while it was copied/);
    expect(ownEncoder.length).toBe(length);
    // A Proxy that lists its keys in another order each time it is asked: as many keys, other values.
    let asked = 0;
    const shifty = new Proxy(
      { a: 'A', b: 'B' },
      { ownKeys: () => (asked++ % 2 === 0 ? ['a', 'b'] : ['b', 'a']) },
    );
    expect(() => ownEncoder.append(shifty)).toThrow(/keys changed while it was copied/);
    expect(ownEncoder.length).toBe(length);
    // One that always lists them alike is copied like any object.
    ownEncoder.append(new Proxy({ a: 'A', b: 'B' }, {}));
    const values: unknown[] = [];
    new Decoder().decodeEach(ownEncoder.bytes(), 0, ownEncoder.length, (v) => values.push(v));
    expect(values).toEqual(['before', { a: 'A', b: 'B' }]);
  });

  it('rejects bytes with a shape that is not one, or a record of a shape not defined', () => {
    const ascii = (text: string) => [6, text.length, 0, 0, 0, ...Buffer.from(text, 'latin1')];
    // A shape of one key "__proto__": made by hand, as no encoder writes it. It stays a key.
    const hostile = new Uint8Array([20, 1, 0, 0, 0, ...ascii('__proto__'), 4, 7, 0, 0, 0]);
    const copy = decoder.decode(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe(7);
    expect(() => decoder.decode(new Uint8Array([21, 0, 0, 0, 0]))).toThrow(/shape 0, not defined before it/);
    expect(() => decoder.decode(new Uint8Array([20, 33, 0, 0, 0]))).toThrow(/a shape of 33 keys/);
    expect(() => decoder.decode(new Uint8Array([20, 1, 0, 0, 0, 4, 1, 0, 0, 0, 3]))).toThrow(
      /key that is not a string/,
    );
    // A shape defined by one decode is not known to the next.
    const defined = new Uint8Array([20, 1, 0, 0, 0, ...ascii('a'), 3]);
    expect(decoder.decode(defined)).toEqual({ a: true });
    expect(() => decoder.decode(new Uint8Array([21, 0, 0, 0, 0]))).toThrow(/not defined before it/);
  });

  it('hands back each addressed value with its service and address, among plain ones, shapes shared (property)', () => {
    type Sent = { value: unknown; service: number; address: number };
    const keyed = fc.dictionary(fc.constantFrom('kind', 'seq', 'to'), value, {
      maxKeys: 3,
      noNullPrototype: true,
    });
    const sent = fc.record({
      value: fc.oneof(keyed, value),
      // -1 stands for a plain `append`.
      service: fc.integer({ min: -1, max: 300 }),
      address: fc.oneof(fc.integer(), fc.double({ noNaN: true })),
    });
    const ownEncoder = new Encoder();
    const ownDecoder = new Decoder();
    fc.assert(
      fc.property(fc.array(sent, { maxLength: 12 }), (stream: Sent[]) => {
        ownEncoder.clear();
        for (const { value: v, service, address } of stream) {
          if (service < 0) ownEncoder.append(v);
          else ownEncoder.appendAddressed(service, address, v);
        }
        const got: Sent[] = [];
        ownDecoder.decodeEach(ownEncoder.bytes(), 0, ownEncoder.length, (v, service, address) =>
          got.push({ value: v, service, address }),
        );
        const expected = stream.map((s) => ({
          value: s.value,
          service: s.service,
          address: s.service < 0 ? 0 : s.address,
        }));
        expect(got).toStrictEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('takes back the whole of an addressed value it refuses, and names the path from the value', () => {
    const ownEncoder = new Encoder();
    ownEncoder.append('before');
    const length = ownEncoder.length;
    expect(() => ownEncoder.appendAddressed(2, 77, { ok: 1, bad: [() => 0] })).toThrow(
      'message.bad[0] cannot be copied: it is a function',
    );
    expect(ownEncoder.length).toBe(length);
  });

  it('rejects an addressed value where a plain one belongs, and an address that is not a number', () => {
    const ownEncoder = new Encoder();
    ownEncoder.appendAddressed(0, 5, 'x');
    const addressed = ownEncoder.bytes().slice();
    // decode takes one plain value; inside an array, an addressed value is no value at all.
    expect(() => decoder.decode(addressed)).toThrow(/addressed value where a plain one belongs/);
    expect(() => decoder.decode(new Uint8Array([9, 1, 0, 0, 0, ...addressed]))).toThrow(
      /addressed value where a plain one belongs/,
    );
    expect(() => ownEncoder.appendAddressed(-1, 5, 'x')).toThrow(/service must be a service index/);
    expect(() => ownEncoder.appendAddressed(1.5, 5, 'x')).toThrow(/service must be a service index/);
    expect(() => ownEncoder.appendAddressed(0, '5' as never, 'x')).toThrow(/address must be a number/);
    const textAddress = new Uint8Array([22, 0, 0, 0, 0, 6, 1, 0, 0, 0, 120, 3]);
    expect(() => decoder.decodeEach(textAddress, 0, textAddress.length, () => {})).toThrow(
      /address is not a number/,
    );
  });

  it('decodes straight from shared memory, at an offset', () => {
    const bytes = encoder.encode({ hello: ['world', 1.5, 'ascii and a longer tail of text'] });
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length + 16));
    shared.set(bytes, 16);
    expect(decoder.decode(shared, 16, 16 + bytes.length)).toEqual({
      hello: ['world', 1.5, 'ascii and a longer tail of text'],
    });
  });

  it('shares views on the buffers both sides have, when asked; copies every other view', () => {
    const known = new SharedArrayBuffer(64);
    const sharing = new Encoder([known]);
    const receiving = new Decoder([known]);
    const send = (value: unknown, share: boolean) => {
      sharing.clear();
      sharing.append(value, 'message', share);
      return receiving.decode(sharing.bytes());
    };
    const floats = new Float64Array(known, 16, 3);
    const view = new DataView(known, 5, 7);
    const [f, d, b] = send([floats, view, known], true) as [Float64Array, DataView, SharedArrayBuffer];
    expect([f.buffer, f.byteOffset, f.length]).toEqual([known, 16, 3]);
    expect([d.buffer, d.byteOffset, d.byteLength]).toEqual([known, 5, 7]);
    expect(b).toBe(known);
    // Not asked to share, or memory the other side lacks: copied.
    expect((send(floats, false) as Float64Array).buffer).not.toBe(known);
    const foreign = new Int32Array(new SharedArrayBuffer(8));
    foreign[1] = 9;
    const copied = send(foreign, true) as Int32Array;
    expect(copied.buffer).not.toBe(foreign.buffer);
    expect([...copied]).toEqual([0, 9]);
    expect(() => send({ at: foreign.buffer }, true)).toThrow(
      /message\.at cannot be copied: it is a SharedArrayBuffer that is not shared/,
    );
    expect(() => send(known, false)).toThrow(CodecError);
  });

  it('names where in the message a value cannot be copied', () => {
    const send = (v: unknown) => () => encoder.encode(v);
    expect(send({ body: [1, 2, function handler() {}] })).toThrow(
      'message.body[2] cannot be copied: it is a function (handler)',
    );
    expect(send({ 'a key': { deep: Symbol('s') } })).toThrow(
      'message["a key"].deep cannot be copied: it is a symbol',
    );
    expect(send(new Map([['k', new (class Widget {})()]]))).toThrow(
      /message\.k cannot be copied: it is an instance of Widget \(define an extension to send it\)/,
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(send(cycle)).toThrow(/nested more than 256 deep/);
    try {
      encoder.encode([{ x: () => 0 }], 'args');
    } catch (error) {
      expect(CodecError.isInstance(error)).toBe(true);
      expect((error as CodecError).path).toEqual([0, 'x']);
      expect((error as CodecError).message).toBe('args[0].x cannot be copied: it is a function (x)');
    }
    expect.assertions(7);
  });

  it('rejects bytes that are not a value, and extensions that clash', () => {
    expect(() => decoder.decode(new Uint8Array([99]))).toThrow(/unknown tag 99/);
    expect(() => decoder.decode(new Uint8Array([4, 0, 0, 0, 0, 0]))).toThrow(/not 6/);
    expect(() =>
      defineExtension({ tag: 7, type: class Other {}, encode: () => 0, decode: () => ({}) }),
    ).toThrow(/extension\.tag 7 is taken by Point/);
    expect(() =>
      defineExtension({ tag: 256, type: Point, encode: () => 0, decode: () => new Point(0, 0) }),
    ).toThrow(/extension\.tag must be an integer from 0 to 255/);
    // The same definition again is fine: every thread's modules define theirs on import.
    expect(() =>
      defineExtension({
        tag: 7,
        type: Point,
        encode: (p): [number, number] => [p.x, p.y],
        decode: ([x, y]) => new Point(x, y),
      }),
    ).not.toThrow();
  });
});

describe('copy', () => {
  it('copies what the codec carries, deeply, and alike by both of its paths (property)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const copied = copy(v);
        expect(copied).toStrictEqual(v);
        if (typeof v === 'object' && v !== null) expect(copied).not.toBe(v);
        // needsNoCopy says which values come back as they are, and copy agrees.
        expect(needsNoCopy(v)).toBe(typeof v !== 'object' || v === null);
        if (needsNoCopy(v)) expect(copied).toBe(v);
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  it('copies a pair, the commonest message, as any array: a new one, its objects copied too', () => {
    const pair = [42, 'x'];
    const copied = copy(pair);
    expect(copied).toEqual([42, 'x']);
    expect(copied).not.toBe(pair);
    const inner = { n: 1 };
    const nested = copy([7, inner]);
    expect(nested).toEqual([7, { n: 1 }]);
    expect(nested[1]).not.toBe(inner);
    expect(() => copy([1, () => 0], 'message')).toThrow('message[1] cannot be copied: it is a function');
    expect(() => copy([Symbol('s'), 1], 'message')).toThrow('message[0] cannot be copied: it is a symbol');
  });

  it('refuses what the codec refuses, naming where, even inside plain data', () => {
    expect(() => copy({ a: [1, { f: () => 0 }] }, 'message')).toThrow(
      'message.a[1].f cannot be copied: it is a function (f)',
    );
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => copy(cycle)).toThrow(/nested more than 256 deep/);
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}');
    expect(Object.getPrototypeOf(copy(hostile))).toBe(Object.prototype);
  });
});
