import { parseArgs } from 'node:util';
import { ConfigError } from '@moderato/config';
import { UsageError, type CliCommand, type CliOutput } from './command';
import { COMMANDS } from './commands';
import { errorText } from './redact';

export interface CliEnvironment {
  io: CliOutput;
  env: Record<string, string | undefined>;
  readStdin(): Promise<string>;
}

function help(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: moderato <command> [options]      (from source: npm run moderato -- <command>)',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "moderato <command> --help shows a command's options. Configuration comes from the environment",
    'and a .env file in the current folder, exactly as for the api (docs/configuration.md).',
  ].join('\n');
}

/** The command the words name: the longest match (`server add` before `server`). */
function findCommand(commands: CliCommand[], argv: string[]): { command?: CliCommand; rest: string[]; group?: string } {
  const two = argv.slice(0, 2).join(' ');
  const byTwo = commands.find((command) => command.name === two);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = commands.find((command) => command.name === argv[0]);
  if (byOne) return { command: byOne, rest: argv.slice(1) };
  const group = commands.some((command) => command.name.startsWith(`${argv[0]} `)) ? argv[0] : undefined;
  return { rest: argv.slice(1), group };
}

/** Runs `moderato <argv>` and resolves with the exit code. */
export async function runCli(argv: string[], environment: CliEnvironment, commands: CliCommand[] = COMMANDS): Promise<number> {
  const { io } = environment;
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0])) {
    io.out(help(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const { command, rest, group } = findCommand(commands, argv);
  if (!command) {
    const candidates = group ? commands.filter((c) => c.name.startsWith(`${group} `)) : commands;
    io.err(group ? `moderato ${group}: say which: ${candidates.map((c) => c.name.split(' ')[1]).join(', ')}` : `moderato: unknown command "${argv[0]}"`);
    io.err('');
    io.err(help(candidates));
    return 2;
  }
  const usage = `Usage: moderato ${command.name}${command.usage ? ` ${command.usage}` : ''}`;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    const { min, max } = command.positionals ?? { min: 0, max: 0 };
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(parsed.positionals.length < min ? 'missing argument' : `unexpected argument "${parsed.positionals[max]}"`);
    }
    return await command.run({
      args: parsed.positionals,
      options: parsed.values as Record<string, string | boolean | undefined>,
      io,
      env: environment.env,
      readStdin: environment.readStdin,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`moderato ${command.name}: ${(error as Error).message}`);
      io.err(usage);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(error.message);
      io.err('Run "moderato doctor" for a full check.');
      return 1;
    }
    io.err(`✖ moderato ${command.name} failed: ${errorText(error)}`);
    io.err('  Run "moderato doctor" to see which part is not working.');
    return 1;
  }
}
