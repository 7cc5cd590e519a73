const EXIT = Symbol.for('beamish.actors.ExitSignal');

/**
 * Thrown by `exit(reason)` inside a process to end it with `reason`, as Erlang's `exit/1`. The
 * runtime turns it into the process's exit reason; any other error becomes the reason as it is.
 */
export class ExitSignal extends Error {
  readonly reason: unknown;
  readonly [EXIT] = true;

  constructor(reason: unknown) {
    super(`exit: ${typeof reason === 'string' ? reason : String((reason as Error)?.message ?? reason)}`);
    this.name = 'ExitSignal';
    this.reason = reason;
  }

  static isInstance(value: unknown): value is ExitSignal {
    return typeof value === 'object' && value !== null && EXIT in value;
  }
}

/** The exit reason that `error`, ending a process, stands for. */
export function reasonOf(error: unknown): unknown {
  return ExitSignal.isInstance(error) ? error.reason : error;
}
