import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { DirectoryNotConfigured, LdapService } from '@moderato/identity';
import { MeetingsService, type Caller } from '@moderato/meetings';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class DirectorySearchDto {
  @ApiProperty({ example: '7b', description: 'At least 2 characters of a name, email, login name or group name' })
  @Transform(trim)
  @IsString()
  @MinLength(2, { message: 'q must have at least 2 characters' })
  @MaxLength(100, { message: 'q must be at most 100 characters' })
  q: string;
}

export class AddGroupInvitationDto {
  @ApiProperty({ example: '7b', description: 'The exact name of a directory group' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'group must not be empty' })
  @MaxLength(200, { message: 'group must be at most 200 characters' })
  group: string;

  @ApiPropertyOptional({ enum: ['participant', 'moderator'], default: 'participant' })
  @IsOptional()
  @IsIn(['participant', 'moderator'], { message: 'role must be participant or moderator' })
  role?: 'participant' | 'moderator';
}

/**
 * Directory search and "invite a whole group": the group's members come from the directory
 * (LDAP), the invitations are written by MeetingsService in one transaction.
 */
@Injectable()
export class GroupInvitations {
  constructor(
    private readonly ldap: LdapService,
    private readonly meetings: MeetingsService,
  ) {}

  get available(): boolean {
    return this.ldap.enabled;
  }

  async search(text: string) {
    if (!this.ldap.enabled) throw new DirectoryNotConfigured();
    const [people, groups] = await Promise.all([this.ldap.searchPeople(text), this.ldap.searchGroups(text)]);
    return { people, groups };
  }

  async invite(caller: Caller, meetingId: string, dto: AddGroupInvitationDto) {
    if (!this.ldap.enabled) throw new DirectoryNotConfigured();
    await this.meetings.get(caller, meetingId); // someone else's meeting: not found, before asking the directory
    const group = await this.ldap.groupMembers(dto.group);
    const { invitations, skipped } = await this.meetings.addGroupInvitees(caller, meetingId, group, dto.role ?? 'participant');
    return { group: group.name, members: group.members.length, withoutEmail: group.withoutEmail, invitations, skipped };
  }
}
