import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Where `erlang/beamish_bench.erl` is compiled, once per run. */
let compiled: string | undefined;

/**
 * A BEAM (Erlang/OTP) node running the actors suite's workloads — `erlang/beamish_bench.erl` — in
 * the same run as beamish, when `erl` and `erlc` are on PATH (on Debian: `apt-get install
 * erlang-base`). It is driven over its standard input and output: a request is one line, its answer
 * one line, so a request is timed the way every other baseline is.
 */
export class BeamNode {
  readonly #erl: ChildProcessWithoutNullStreams;
  readonly #answers: Array<(line: string) => void> = [];

  private constructor(erl: ChildProcessWithoutNullStreams) {
    this.#erl = erl;
    createInterface({ input: erl.stdout }).on('line', (line) => this.#answers.shift()?.(line));
  }

  /** True when `erl` and `erlc` can be run. */
  static available(): boolean {
    const works = (command: string, args: string[]) =>
      spawnSync(command, args, { stdio: 'ignore' }).status === 0;
    return works('erl', ['-noshell', '-eval', 'halt().']) && works('which', ['erlc']);
  }

  /**
   * Compiles the workloads (once) and starts a node with `schedulers` schedulers, room for 4M
   * processes (`+P`; BEAM's default, 262,144, is too few for skynet) and no busy-waiting when idle.
   */
  static start(source: URL, schedulers: number): BeamNode {
    if (compiled === undefined) {
      const out = mkdtempSync(join(tmpdir(), 'beamish-beam-'));
      const erlc = spawnSync('erlc', ['-o', out, fileURLToPath(source)], { encoding: 'utf8' });
      if (erlc.status !== 0) throw new Error(`erlc failed: ${erlc.stderr || erlc.stdout}`);
      compiled = out;
    }
    // No busy-waiting once a request is done: an idle BEAM scheduler otherwise spins on for a while,
    // and on a 2-core machine that takes the CPU from the round of ours that runs next.
    const idle = ['+sbwt', 'none', '+sbwtdcpu', 'none', '+sbwtdio', 'none'];
    const flags = ['-noshell', '+S', `${schedulers}:${schedulers}`, '+P', '4000000', ...idle];
    return new BeamNode(spawn('erl', [...flags, '-pa', compiled, '-s', 'beamish_bench', 'main']));
  }

  /** Sends one request line; resolves with the answer line. */
  request(line: string): Promise<string> {
    return new Promise((resolve) => {
      this.#answers.push(resolve);
      this.#erl.stdin.write(`${line}\n`);
    });
  }

  /** Ends the node (it halts at the end of its input). */
  stop(): void {
    this.#erl.stdin.end();
  }
}
