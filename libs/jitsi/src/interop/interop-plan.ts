import { createHash, randomBytes } from 'node:crypto';
import { mintRoomToken, type SigningKey, type TokenServer } from '../token';
import type { InteropCheckStatus, InteropLinkKind } from './jitsi-server-check.entity';

/** How long a test room and its tokens live. */
export const INTEROP_TEST_MINUTES = 15;
export const INTEROP_TEST_SECONDS = INTEROP_TEST_MINUTES * 60;

/** Every test room starts with this: it tells anyone looking at Jitsi that this is no lesson. */
export const INTEROP_ROOM_PREFIX = 'moderato-test-';
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const SUFFIX_LENGTH = 16;
/**
 * A test room name: the prefix and 16 random characters (80 bits) with no hyphen. A meeting's
 * room is "<slug>-<12 characters>", so after "moderato-test-" it has either exactly 12
 * characters or another hyphen: a test room can never be a meeting's room.
 */
const TEST_ROOM = new RegExp(`^${INTEROP_ROOM_PREFIX}[${ALPHABET}]{${SUFFIX_LENGTH}}$`);

export function interopRoomName(): string {
  const suffix = Array.from(randomBytes(SUFFIX_LENGTH), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return `${INTEROP_ROOM_PREFIX}${suffix}`;
}

export function isInteropRoom(room: string): boolean {
  return TEST_ROOM.test(room);
}

export const INTEROP_LINKS: readonly InteropLinkKind[] = ['organizer', 'participant', 'noToken', 'wrongRoom'];

/** What the admin can tick for each link; the first one is what must happen. */
export const INTEROP_OUTCOMES = {
  organizer: ['moderator', 'notModerator', 'authFailed'],
  participant: ['member', 'moderator', 'refused'],
  noToken: ['refused', 'entered'],
  wrongRoom: ['refused', 'entered'],
} as const satisfies Record<InteropLinkKind, readonly string[]>;

export type InteropOutcomes = { [K in InteropLinkKind]: (typeof INTEROP_OUTCOMES)[K][number] };

export const EXPECTED_OUTCOMES: InteropOutcomes = { organizer: 'moderator', participant: 'member', noToken: 'refused', wrongRoom: 'refused' };

/** verified when every link behaved as it must, otherwise problems. */
export function interopStatusOf(outcomes: InteropOutcomes): Exclude<InteropCheckStatus, 'pending'> {
  return INTEROP_LINKS.every((kind) => outcomes[kind] === EXPECTED_OUTCOMES[kind]) ? 'verified' : 'problems';
}

export interface InteropLink {
  kind: InteropLinkKind;
  /** The real Jitsi URL to open. */
  url: string;
  /** The room the URL opens (the test room for all four). */
  room: string;
  /** The JWT in the URL (none for the no-token link). */
  token?: string;
  /** The room the token is for: the test room, or another one for the wrong-room link. */
  tokenRoom?: string;
  affiliation?: 'owner' | 'member';
  expiresAt?: Date;
  /** The token's context.features (the policy's defaults for its role); undefined: none. */
  features?: Record<string, boolean>;
}

export interface InteropLinksInput {
  server: TokenServer & { baseUrl: string };
  signingKey: SigningKey;
  room: string;
  otherRoom: string;
  /** The end of the test window. */
  expiresAt: Date;
  now: Date;
  /** The server's maximum token lifetime (the test window caps it further). */
  maxTtlSeconds: number;
  /** Who the organizer token is for (the admin who runs the test). */
  organizer: { id: string; email: string };
  /** context.features per role, as the policy's defaults give them to a meeting's tokens; none when left out. */
  features?: { owner?: Record<string, boolean>; member?: Record<string, boolean> };
}

const TEST_ORGANIZER_NAME = 'Moderato test: organizer';
const TEST_PARTICIPANT_NAME = 'Moderato test: participant';

/**
 * The four links of an interop check, with tokens minted by the same minter as real meetings:
 * organizer (owner of the test room), participant (member of the test room), no token (the
 * plain URL) and wrong room (a member token for another room, opening the test room). Every
 * token expires at the end of the test window. Throws TokenRefused once that window is over.
 */
export async function mintInteropLinks(input: InteropLinksInput): Promise<InteropLink[]> {
  const { server, room, otherRoom } = input;
  const mint = (tokenRoom: string, affiliation: 'owner' | 'member', user: { id: string; name: string; email: string }) =>
    mintRoomToken({
      server,
      signingKey: input.signingKey,
      room: tokenRoom,
      user,
      affiliation,
      window: { notAfter: input.expiresAt },
      now: input.now,
      maxTtlSeconds: Math.min(input.maxTtlSeconds, INTEROP_TEST_SECONDS),
      features: input.features?.[affiliation],
    });
  const participant = { id: `${room}-participant`, name: TEST_PARTICIPANT_NAME, email: '' };
  const organizer = await mint(room, 'owner', { id: input.organizer.id, name: TEST_ORGANIZER_NAME, email: input.organizer.email });
  const member = await mint(room, 'member', participant);
  const stranger = await mint(otherRoom, 'member', { ...participant, id: `${otherRoom}-participant` });
  const roomUrl = `${server.baseUrl}/${room}`;
  const named = (name: string) => `#userInfo.displayName=${encodeURIComponent(JSON.stringify(name))}`;
  return [
    {
      kind: 'organizer',
      url: `${roomUrl}?jwt=${organizer.token}${named(TEST_ORGANIZER_NAME)}`,
      room,
      token: organizer.token,
      tokenRoom: room,
      affiliation: 'owner',
      expiresAt: organizer.expiresAt,
      features: input.features?.owner,
    },
    {
      kind: 'participant',
      url: `${roomUrl}?jwt=${member.token}${named(TEST_PARTICIPANT_NAME)}`,
      room,
      token: member.token,
      tokenRoom: room,
      affiliation: 'member',
      expiresAt: member.expiresAt,
      features: input.features?.member,
    },
    { kind: 'noToken', url: roomUrl, room },
    {
      kind: 'wrongRoom',
      url: `${roomUrl}?jwt=${stranger.token}${named(TEST_PARTICIPANT_NAME)}`,
      room,
      token: stranger.token,
      tokenRoom: otherRoom,
      affiliation: 'member',
      expiresAt: stranger.expiresAt,
    },
  ];
}

/**
 * What a check's result depends on: the settings that go into the tokens and their URL, and the
 * key that signs them (the RS256 kid; an HS256 secret cannot be changed). A result whose
 * fingerprint differs from the server's current one is out of date.
 */
export function interopSettingsFingerprint(
  server: { baseUrl: string; xmppDomain: string; appId: string; audience: string; signingMode: string },
  activeKid: string | null,
): string {
  const settings = [server.baseUrl, server.xmppDomain, server.appId, server.audience, server.signingMode, activeKid ?? ''];
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex');
}
