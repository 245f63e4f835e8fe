import { Injectable } from '@nestjs/common';
import { translator } from '@moderato/i18n';
import { DirectoryService } from '@moderato/identity';
import { InvitationsService, SchedulingService, type Caller } from '@moderato/meetings';
import type { FlashText } from '@moderato/web';
import type { AddGroupInvitationDto } from './dto/directory.dto';

/**
 * Directory search and "invite a whole group": the directory (DirectoryService in identity) gives
 * the group's members, InvitationsService writes the invitations in one transaction.
 */
@Injectable()
export class GroupInvitations {
  constructor(
    private readonly directory: DirectoryService,
    private readonly meetings: SchedulingService,
    private readonly invitations: InvitationsService,
  ) {}

  get available(): boolean {
    return this.directory.available;
  }

  search(text: string) {
    return this.directory.search(text);
  }

  async invite(caller: Caller, meetingId: string, dto: AddGroupInvitationDto) {
    const directory = this.directory.configured();
    await this.meetings.get(caller, meetingId); // someone else's meeting: not found, before asking the directory
    const group = await directory.groupMembers(dto.group);
    const { invitations, skipped } = await this.invitations.addGroupInvitees(caller, meetingId, group, dto.role ?? 'participant');
    const result = {
      group: group.name,
      members: group.members.length,
      withoutEmail: group.withoutEmail,
      withoutEmailNames: group.withoutEmailNames,
      invitations,
      skipped,
    };
    const english = translator('en');
    // The same sentences as on the meeting page, so an API client can show them as they are.
    return {
      ...result,
      message: groupInvitationTexts(result)
        .map((text) => english(text.key, text.params))
        .join(' '),
    };
  }
}

/** At most this many names of members without an email address are listed in the message. */
const NAMES_SHOWN = 10;

/**
 * The result of a group invitation in sentences: who is invited, who was invited already, and
 * the members without an email address, by name (they got no invitation).
 */
export function groupInvitationTexts(result: { group: string; invitations: unknown[]; skipped: unknown[]; withoutEmailNames: string[] }): FlashText[] {
  const texts: FlashText[] = [
    {
      key: result.skipped.length ? 'flash.groupInvitedSkipped' : 'flash.groupInvited',
      params: { group: result.group, count: result.invitations.length, skipped: result.skipped.length },
    },
  ];
  const missing = result.withoutEmailNames;
  const names = missing.slice(0, NAMES_SHOWN).join(', ');
  if (missing.length === 1) texts.push({ key: 'flash.groupNoEmailOne', params: { names } });
  else if (missing.length > NAMES_SHOWN)
    texts.push({ key: 'flash.groupNoEmailMany', params: { count: missing.length, names, rest: missing.length - NAMES_SHOWN } });
  else if (missing.length) texts.push({ key: 'flash.groupNoEmail', params: { count: missing.length, names } });
  return texts;
}
