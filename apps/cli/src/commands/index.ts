import type { CliCommand } from '../command';
import { createAdminCommand } from './create-admin.command';
import { doctorCommand } from './doctor.command';
import { migrateCommand } from './migrate.command';
import { serverAddCommand, serverListCommand } from './server.command';
import { serverRotateSecretCommand } from './server-rotate-secret.command';
import { tokenInspectCommand } from './token.command';
import { userDeleteCommand } from './user.command';

/** Every `moderato` command, in the order the help lists them. Add a command here. */
export const COMMANDS: CliCommand[] = [
  doctorCommand,
  migrateCommand,
  serverAddCommand,
  serverListCommand,
  serverRotateSecretCommand,
  tokenInspectCommand,
  createAdminCommand,
  userDeleteCommand,
];
