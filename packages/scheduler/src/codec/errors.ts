const CODEC_ERROR = Symbol.for('beamish.scheduler.CodecError');

/**
 * A value the codec cannot carry: a function, a symbol, an instance of a class it does not know, a
 * structure nested too deeply (or cyclic). `path` says where in the value it is, e.g.
 * `message.body[2].handler`. Nothing has been sent when it is thrown.
 */
export class CodecError extends TypeError {
  /** Where the offending value is: property names and indices from the root. */
  readonly path: Array<string | number>;
  /** What the offending value is, e.g. `'a function'`. */
  readonly what: string;
  readonly [CODEC_ERROR] = true;

  constructor(what: string, path: Array<string | number> = []) {
    super(what);
    this.name = 'CodecError';
    this.what = what;
    this.path = path;
  }

  /** The path written out from `root`, e.g. `message.body[2]`. */
  pathFrom(root: string): string {
    let out = root;
    for (const step of this.path) {
      out +=
        typeof step === 'number'
          ? `[${step}]`
          : /^[A-Za-z_$][\w$]*$/.test(step)
            ? `.${step}`
            : `[${JSON.stringify(step)}]`;
    }
    return out;
  }

  /** Names the path in the message, once the outermost container has added its step. */
  located(root: string): CodecError {
    this.message = `${this.pathFrom(root)} cannot be copied: it is ${this.what}`;
    return this;
  }

  /** True for a `CodecError` from any copy of this package. */
  static isInstance(value: unknown): value is CodecError {
    return typeof value === 'object' && value !== null && CODEC_ERROR in value;
  }
}
