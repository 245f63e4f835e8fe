import type { ParseArgsConfig } from 'node:util';

/** Where a command writes: stdout for results, stderr for errors (tests capture both). */
export interface CliOutput {
  out(text?: string): void;
  err(text?: string): void;
}

export interface CommandInput {
  /** Positional arguments after the command's name. */
  args: string[];
  /** Parsed --options (strings or booleans, as declared in `options`). */
  options: Record<string, string | boolean | undefined>;
  io: CliOutput;
  /** The process environment (with .env filled in); only libs/config interprets it. */
  env: Record<string, string | undefined>;
  /** Reads standard input to the end (for `-` arguments). */
  readStdin(): Promise<string>;
}

/**
 * One operator command. To add one: write an object of this shape and list it in
 * COMMANDS (commands/index.ts); parsing, help and exit codes come from the runner.
 */
export interface CliCommand {
  /** One or two words: `doctor`, `server add`. */
  name: string;
  /** The arguments after the name, as shown in the help: `[--json] [--mail-to <address>]`. */
  usage: string;
  /** One line for the command list. */
  summary: string;
  /** --options in node:util parseArgs form. */
  options?: ParseArgsConfig['options'];
  /** Positional arguments: at least min, at most max (default 0). */
  positionals?: { min: number; max: number };
  /** Resolves with the exit code: 0 success, 1 something failed, 2 wrong usage. */
  run(input: CommandInput): Promise<number>;
}

/** Thrown by a command for wrong usage: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {}
