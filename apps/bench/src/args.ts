import { parseArgs } from 'node:util';

/** The parsed command line. */
export interface CliArgs {
  /** Suite names as given; empty means all suites. */
  suites: string[];
  quick: boolean;
  /** Where to write the JSON results, relative to the user's directory. */
  json: string | undefined;
  list: boolean;
  help: boolean;
}

/** A command line that cannot be run; the CLI prints it with the usage and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: npm run bench -- [suite ...] [options]

Runs the selected suites (all when none is named), each case next to its baseline.

Options:
  --quick        short runs: a smoke test, not stable numbers
  --json FILE    also write the results as JSON to FILE (relative to your current directory)
  --list         list the suites and exit
  -h, --help     show this help and exit`;

/** Parses `argv` (without the node and script paths). */
export function parseCliArgs(argv: string[]): CliArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.json === '') throw new UsageError('--json needs a file name');
    return {
      suites: positionals,
      quick: values.quick,
      json: values.json,
      list: values.list,
      help: values.help,
    };
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeErrors with ERR_PARSE_ARGS_* codes.
    if (error instanceof UsageError) throw error;
    if (
      error instanceof TypeError &&
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}
