import { isEmail } from 'class-validator';
import { loadConfig } from '@moderato/config';
import { UsersService } from '@moderato/identity';
import { UsageError, type CliCommand } from '../command';
import { withAppContext } from '../context';
import { cliActor } from './actor';

export const createAdminCommand: CliCommand = {
  name: 'create-admin',
  usage: '<email> [--organizer]',
  summary: 'make someone an administrator (at once, or at their first sign-in), whatever the identity provider says',
  options: { organizer: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ args, options, io, env }) {
    const email = args[0].trim().toLowerCase();
    if (!isEmail(email)) throw new UsageError(`<email> must be an email address (got "${args[0]}")`);
    const config = loadConfig(env);
    const overrides = { admin: 'grant' as const, ...(options.organizer === true ? { organizer: 'grant' as const } : {}) };
    const result = await withAppContext(config, (app) => app.get(UsersService).grantByEmail(email, overrides, cliActor()));
    const roles = options.organizer === true ? 'administrator and organizer' : 'administrator';
    io.out(
      result.pending
        ? `✔ ${email} becomes ${roles} at their first sign-in (the identity provider must report this email as verified).`
        : `✔ ${email} is ${roles} now (${result.appliedTo} account${result.appliedTo === 1 ? '' : 's'}); it applies from their next click.`,
    );
    return 0;
  },
};
