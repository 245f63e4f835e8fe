import { isEmail, isUUID } from 'class-validator';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@moderato/config';
import { DomainError } from '@moderato/core';
import { PersonRecordsService, UsersService, type User } from '@moderato/identity';
import { PersonDataService } from '@moderato/meetings';
import { UsageError, type CliCommand } from '../command';
import { withAppContext } from '../context';
import { cliActor } from './actor';

/** The one account behind an email (or a user id when one email has several accounts). */
async function personOf(app: INestApplicationContext, who: string, what: string): Promise<User> {
  if (isUUID(who)) return app.get(UsersService).getById(who);
  const found = await app.get(PersonRecordsService).findByEmail(who);
  if (!found.length) throw new UsageError(`${what}: nobody with the email ${who} has signed in`);
  if (found.length > 1)
    throw new UsageError(`${what}: ${found.length} accounts have the email ${who}; give the user id instead (${found.map((u) => u.id).join(', ')})`);
  return found[0];
}

export const userDeleteCommand: CliCommand = {
  name: 'user delete',
  usage: '<email|user id> [--meetings-to <email|user id> | --cancel-meetings]',
  summary: 'delete a person: account, sessions, API tokens, invitations; the audit log keeps their events under a pseudonym',
  options: { 'meetings-to': { type: 'string' }, 'cancel-meetings': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ args, options, io, env }) {
    const who = args[0].trim().toLowerCase();
    if (!isEmail(who) && !isUUID(who)) throw new UsageError(`<email> must be an email address or a user id (got "${args[0]}")`);
    const to = typeof options['meetings-to'] === 'string' ? options['meetings-to'].trim().toLowerCase() : undefined;
    if (to !== undefined && !isEmail(to) && !isUUID(to)) throw new UsageError(`--meetings-to must be an email address or a user id (got "${to}")`);
    if (to && options['cancel-meetings'] === true) throw new UsageError('give --meetings-to or --cancel-meetings, not both');
    const config = loadConfig(env);
    return withAppContext(config, async (app) => {
      const person = await personOf(app, who, '<email>');
      const meetingsTo = to ? (await personOf(app, to, '--meetings-to')).id : undefined;
      try {
        const done = await app.get(PersonDataService).delete(person.id, { meetingsTo, cancelMeetings: options['cancel-meetings'] === true }, cliActor());
        const meetings = done.meetingsHandedOver
          ? `, ${done.meetingsHandedOver} meeting(s) handed to ${to}`
          : done.meetingsCancelled || done.meetingsDeleted
            ? `, ${done.meetingsCancelled} upcoming meeting(s) cancelled (their invitees are mailed), ${done.meetingsDeleted} past meeting(s) deleted`
            : '';
        io.out(
          `✔ ${person.email} is deleted (${done.sessions} session(s), ${done.apiTokens} API token(s), ${done.invitations} invitation(s)${meetings}); ` +
            `the audit log calls them ${done.pseudonym} (${done.auditEventsPseudonymised} event(s)).`,
        );
        return 0;
      } catch (error) {
        if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'not_found')) throw error;
        const fields = Array.isArray(error.details) ? error.details.flatMap((detail) => detail.messages) : [];
        const hint =
          error.code === 'VALIDATION_FAILED' && !to && options['cancel-meetings'] !== true ? ' (add --meetings-to <email> or --cancel-meetings)' : '';
        io.err(`✖ ${error.message}${fields.length ? `: ${fields.join('; ')}` : ''}${hint}`);
        return 1;
      }
    });
  },
};
