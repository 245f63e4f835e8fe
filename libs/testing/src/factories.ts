import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, DeepPartial } from 'typeorm';
import { User } from '@moderato/identity';
import { JitsiServer } from '@moderato/jitsi';
import { Invitation, Meeting, type InvitationRole } from '@moderato/meetings';

let sequence = 0;
const next = () => ++sequence;

export interface MeetingWithInvitations {
  meeting: Meeting;
  invitations: Invitation[];
  /** The clear link code of each invitation, same order (only the hash is stored). */
  codes: string[];
}

/** Test data through one place: every row is written to the real database. */
export class Factories {
  constructor(private readonly dataSource: DataSource) {}

  async user(overrides: DeepPartial<User> = {}): Promise<User> {
    const n = next();
    return this.dataSource.getRepository(User).save({
      issuer: 'http://localhost:4000',
      subject: `user-${n}-${randomUUID()}`,
      email: `person${n}@school.test`,
      emailVerified: true,
      displayName: `Person ${n}`,
      idpRoles: [],
      ...overrides,
    });
  }

  organizer(overrides: DeepPartial<User> = {}): Promise<User> {
    return this.user({ idpRoles: ['teachers'], ...overrides });
  }

  admin(overrides: DeepPartial<User> = {}): Promise<User> {
    return this.user({ idpRoles: ['admins'], ...overrides });
  }

  async server(overrides: DeepPartial<JitsiServer> = {}): Promise<JitsiServer> {
    const n = next();
    return this.dataSource.getRepository(JitsiServer).save({
      name: `Jitsi ${n}`,
      baseUrl: `https://meet${n}.school.test`,
      xmppDomain: 'meet.jitsi',
      appId: 'moderato',
      audience: 'jitsi',
      signingMode: 'HS256',
      ...overrides,
    });
  }

  /** A meeting starting in an hour (by default), with `invitees` participants invited. */
  async meeting(
    options: { organizer?: User; server?: JitsiServer; invitees?: number; overrides?: DeepPartial<Meeting> } = {},
  ): Promise<MeetingWithInvitations> {
    const organizer = options.organizer ?? (await this.organizer());
    const server = options.server ?? (await this.server());
    const n = next();
    const startsAt = new Date(Date.now() + 3600_000);
    const meeting = await this.dataSource.getRepository(Meeting).save({
      serverId: server.id,
      organizerId: organizer.id,
      title: `Meeting ${n}`,
      roomName: `meeting-${n}-${randomBytes(5).toString('hex')}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3600_000),
      timezone: 'Europe/Berlin',
      ...options.overrides,
    });
    const invitations: Invitation[] = [];
    const codes: string[] = [];
    for (let i = 0; i < (options.invitees ?? 0); i += 1) {
      const { invitation, code } = await this.invitation(meeting, { email: `invitee${next()}@school.test` });
      invitations.push(invitation);
      codes.push(code);
    }
    return { meeting, invitations, codes };
  }

  async invitation(meeting: Meeting, overrides: DeepPartial<Invitation> & { role?: InvitationRole } = {}): Promise<{ invitation: Invitation; code: string }> {
    const code = randomBytes(24).toString('base64url');
    const invitation = await this.dataSource.getRepository(Invitation).save({
      meetingId: meeting.id,
      email: `invitee${next()}@school.test`,
      name: 'Invitee',
      role: 'participant',
      linkCodeSalt: randomBytes(16).toString('base64url'),
      linkCodeHash: createHash('sha256').update(code).digest('hex'),
      ...overrides,
    });
    return { invitation, code };
  }
}
