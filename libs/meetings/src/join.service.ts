import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '@moderato/audit';
import { Clock } from '@moderato/core';
import type { User } from '@moderato/identity';
import { JitsiServersService, mintRoomToken, type Affiliation } from '@moderato/jitsi';
import { metrics } from '@moderato/metrics';
import { PolicyService, featuresFor } from '@moderato/policy';
import type { Invitation } from './invitation.entity';
import { JoinStore, type EndedOccurrence } from './join.store';
import { JoinWindows } from './join-windows';
import { hashLinkCode } from './link-codes';
import type { Meeting } from './meeting.entity';
import type { Occurrence } from './occurrences';

export interface JoinContext {
  meeting: Meeting;
  organizer: User;
  occurrence?: Occurrence;
}

/** What happens when someone opens a personal link (or the organizer presses Start). */
export type JoinDecision =
  | { outcome: 'not_found' }
  | ({ outcome: 'revoked' | 'cancelled' | 'ended' } & JoinContext)
  /** This occurrence was ended for everyone (End meeting): no new tokens for it. */
  | ({ outcome: 'ended_by'; endedBy: string } & JoinContext)
  /** The series' stored rule cannot be expanded (saved before schedules were checked): the organizer must edit it. */
  | ({ outcome: 'invalid_schedule' } & JoinContext)
  | ({ outcome: 'login_required' } & JoinContext)
  | ({ outcome: 'choose' } & JoinContext)
  /**
   * `invitedEmail` masked (the link may be in the wrong hands); `signedInEmail` in full: it is the
   * reader's own address, which they need to recognise the account they are signed in with.
   */
  | ({ outcome: 'wrong_account'; invitedEmail: string; signedInEmail: string; reason: 'email' | 'unverified' | 'bound' } & JoinContext)
  /** `secondsToOpen`: from the decision's "now" to `opensAt`, at least 1 (the waiting page counts down). */
  | ({ outcome: 'too_early'; opensAt: Date; secondsToOpen: number } & JoinContext)
  | ({ outcome: 'join'; url: string; affiliation: Affiliation; expiresAt: Date } & JoinContext);

/** a…@school.test: enough for a person to recognise an address, not to learn it. */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.slice(0, 1)}…@${domain ?? ''}`;
}

/** Who ended this occurrence for everyone, or undefined. */
const endedBy = (ends: EndedOccurrence[], occurrence: Occurrence | undefined) =>
  occurrence ? ends.find((end) => end.occurrence.getTime() === occurrence.occurrence.getTime())?.endedBy : undefined;

const secondsFrom = (now: Date, then: Date) => Math.max(1, Math.ceil((then.getTime() - now.getTime()) / 1000));

/**
 * The join flow: invitation by the code's hash → meeting state → identity check (bound user,
 * or verified matching email) → join window of the current/next occurrence → a per-room token
 * with the right affiliation → the Jitsi URL.
 */
@Injectable()
export class JoinService {
  constructor(
    private readonly store: JoinStore,
    private readonly windows: JoinWindows,
    private readonly servers: JitsiServersService,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  /**
   * The invitation behind a link code (by its SHA-256), with its meeting and organizer: one
   * prepared statement (every click on a link runs it; see hot-path.ts in @moderato/database).
   */
  private async findLink(code: string): Promise<{ invitation: Invitation; meeting: Meeting; organizer: User; ends: EndedOccurrence[] } | undefined> {
    if (!/^[A-Za-z0-9_-]{16,128}$/.test(code)) return undefined;
    return this.store.findLink(hashLinkCode(code));
  }

  async viaLink(code: string, user: User | undefined, ip: string | null): Promise<JoinDecision> {
    const link = await this.findLink(code);
    if (!link) return { outcome: 'not_found' };
    const { invitation, meeting, organizer, ends } = link;
    const context = { meeting, organizer };
    const refuse = async (decision: JoinDecision, reason: string) => {
      metrics.joinRefused(reason);
      await this.audit.record({
        action: 'join.refused',
        actor: user ? { id: user.id, label: user.email } : null,
        ip,
        subject: { type: 'invitation', id: invitation.id },
        metadata: { reason, meetingId: meeting.id },
      });
      return decision;
    };
    if (invitation.status === 'revoked') return refuse({ outcome: 'revoked', ...context }, 'revoked');
    if (meeting.cancelledAt) return refuse({ outcome: 'cancelled', ...context }, 'cancelled');
    const now = this.clock.now();
    const window = this.windows.stateOf(meeting, now);
    if (window.state === 'invalid_schedule') return { outcome: 'invalid_schedule', ...context };
    if (window.state === 'ended') return { outcome: 'ended', ...context };
    const ender = endedBy(ends, window.occurrence);
    if (ender !== undefined) return refuse({ outcome: 'ended_by', endedBy: ender, ...context, occurrence: window.occurrence }, 'ended_for_everyone');
    if (!user) return { outcome: (await this.guestAllowed(meeting)) ? 'choose' : 'login_required', ...context, occurrence: window.occurrence };
    const mismatch = (reason: 'email' | 'unverified' | 'bound') =>
      refuse({ outcome: 'wrong_account', reason, invitedEmail: maskEmail(invitation.email), signedInEmail: user.email, ...context }, `identity_${reason}`);
    if (invitation.boundUserId && invitation.boundUserId !== user.id) return mismatch('bound');
    if (!invitation.boundUserId) {
      if (user.email.toLowerCase() !== invitation.email.toLowerCase()) return mismatch('email');
      if (!user.emailVerified) return mismatch('unverified');
    }
    if (window.state === 'waiting')
      return { outcome: 'too_early', opensAt: window.opensAt, secondsToOpen: secondsFrom(now, window.opensAt), ...context, occurrence: window.occurrence };
    const affiliation: Affiliation = user.id === meeting.organizerId ? 'owner' : invitation.role === 'moderator' ? 'moderator' : 'member';
    // The token's audit event and the invitation's binding and count: one statement.
    const decision = await this.issue(meeting, user, affiliation, window.closesAt, ip, invitation.id, false, invitation);
    return { ...decision, ...context, occurrence: window.occurrence };
  }

  /** Whether a link may be used without an account (meeting option and organisation policy). */
  async guestAllowed(meeting: Meeting): Promise<boolean> {
    if (meeting.options.guestAccess !== true) return false;
    return (await this.policy.current()).guestAccessAllowed && meeting.options.guestAccess === true && meeting.options.requireLogin === false;
  }

  /**
   * Guest mode: a person without an account enters a display name. Always a plain member, never
   * moderator, never bound to the invitation, never past the lobby.
   */
  async asGuest(code: string, displayName: string, ip: string | null): Promise<JoinDecision> {
    const link = await this.findLink(code);
    if (!link) return { outcome: 'not_found' };
    const { invitation, meeting, organizer, ends } = link;
    if (invitation.status === 'revoked') return { outcome: 'revoked', meeting, organizer };
    if (meeting.cancelledAt) return { outcome: 'cancelled', meeting, organizer };
    if (!(await this.guestAllowed(meeting))) return { outcome: 'login_required', meeting, organizer };
    const now = this.clock.now();
    const window = this.windows.stateOf(meeting, now);
    if (window.state === 'invalid_schedule') return { outcome: 'invalid_schedule', meeting, organizer };
    if (window.state === 'ended') return { outcome: 'ended', meeting, organizer };
    const ender = endedBy(ends, window.occurrence);
    if (ender !== undefined) return { outcome: 'ended_by', endedBy: ender, meeting, organizer, occurrence: window.occurrence };
    if (window.state === 'waiting')
      return {
        outcome: 'too_early',
        opensAt: window.opensAt,
        secondsToOpen: secondsFrom(now, window.opensAt),
        meeting,
        organizer,
        occurrence: window.occurrence,
      };
    const guest = { id: `guest-${invitation.id.slice(0, 8)}-${randomBytes(5).toString('hex')}`, displayName, email: '', avatarUrl: null };
    const decision = await this.issue(meeting, guest, 'member', window.closesAt, ip, invitation.id, true);
    return { ...decision, meeting, organizer, occurrence: window.occurrence };
  }

  /** The organizer's (or an admin's) Start button: owner, and allowed before the window opens. */
  async start(meeting: Meeting, user: User, ip: string | null): Promise<JoinDecision> {
    const organizer = await this.store.organizerOf(meeting);
    if (meeting.cancelledAt) return { outcome: 'cancelled', meeting, organizer };
    const window = this.windows.stateOf(meeting);
    if (window.state === 'invalid_schedule') return { outcome: 'invalid_schedule', meeting, organizer };
    if (window.state === 'ended') return { outcome: 'ended', meeting, organizer };
    const ender = endedBy(await this.store.endsOf(meeting.id), window.occurrence);
    if (ender !== undefined) return { outcome: 'ended_by', endedBy: ender, meeting, organizer, occurrence: window.occurrence };
    const decision = await this.issue(meeting, user, 'owner', window.closesAt, ip, null);
    return { ...decision, meeting, organizer, occurrence: window.occurrence };
  }

  private async issue(
    meeting: Meeting,
    user: Pick<User, 'id' | 'displayName' | 'email' | 'avatarUrl'>,
    affiliation: Affiliation,
    closesAt: Date,
    ip: string | null,
    invitationId: string | null,
    guest = false,
    /** An invitation used by its invitee: bound to them and counted with the audit event. */
    used?: Invitation,
  ) {
    const { server, signingKey } = await this.servers.forSigning(meeting.serverId);
    const now = this.clock.now();
    // Cached policy and the meeting's own column (read with the link): no query of its own.
    const policy = await this.policy.current();
    // Invited members skip the lobby where the server runs token_lobby_bypass; guests never do.
    const lobbyBypass = meeting.options.lobby && server.lobbyBypass ? !guest && affiliation === 'member' : undefined;
    const minted = await mintRoomToken({
      server,
      signingKey,
      room: meeting.roomName,
      user: { id: user.id, name: user.displayName, email: user.email, avatarUrl: user.avatarUrl },
      affiliation,
      // The organizer starting early still gets a token that ends with the window.
      window: { notAfter: closesAt > now ? closesAt : new Date(now.getTime() + 60_000) },
      now,
      maxTtlSeconds: policy.tokenMaxTtlMinutes * 60,
      lobbyBypass,
      features: featuresFor(policy.participantFeatures, guest ? 'guest' : affiliation, meeting.features),
    });
    const event = {
      action: 'token.issued',
      actor: guest ? { id: null, label: `guest: ${user.displayName}` } : { id: user.id, label: user.email },
      ip,
      subject: { type: 'meeting', id: meeting.id },
      metadata: { affiliation, room: meeting.roomName, exp: minted.expiresAt.toISOString(), invitationId, guest },
    };
    if (used) {
      await this.store.recordJoin(used.id, user.id, now, this.audit.insertValues(event));
    } else {
      await this.audit.record(event);
    }
    metrics.joinIssued(affiliation, guest ? 'guest' : invitationId ? 'link' : 'start');
    const displayName = encodeURIComponent(JSON.stringify(user.displayName));
    return {
      outcome: 'join' as const,
      affiliation,
      expiresAt: minted.expiresAt,
      url: `${server.baseUrl}/${meeting.roomName}?jwt=${minted.token}#userInfo.displayName=${displayName}`,
    };
  }
}
