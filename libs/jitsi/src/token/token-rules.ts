import type { TokenServer } from './mint-room-token';

/**
 * The Jitsi/Prosody token rules, one stable id each (each explained in docs/jitsi-tokens.md). The inspector reports a broken
 * rule under its id; the minter refuses (TokenRefused.rule) under the same id where one applies.
 * What Prosody does is taken from upstream jitsi-meet `resources/prosody-plugins`
 * (luajwtjitsi.lib.lua, token/util.lib.lua, mod_token_affiliation.lua).
 */
export const TOKEN_RULES = {
  format: 'three base64url parts, a JSON object header and payload',
  'header.typ': 'header "typ" is exactly "JWT"',
  'header.alg': 'header "alg" is one of HS256/384/512, RS256/384/512',
  'header.alg.server': 'header "alg" is the algorithm the server is configured for',
  'header.kid': 'an RS* token, and any token for a server with a key server, has a "kid" (the ASAP key server needs it)',
  'claim.iss.missing': '"iss" is present',
  'claim.iss.type': '"iss" is a string',
  'claim.iss': '"iss" is the server\'s app id',
  'claim.aud.missing': '"aud" is present',
  'claim.aud.type': '"aud" is a single string',
  'claim.aud': '"aud" is the server\'s audience',
  'claim.sub.missing': '"sub" is present',
  'claim.sub.type': '"sub" is a string',
  'claim.sub': '"sub" is the server\'s XMPP domain (or "*")',
  'claim.room.missing': '"room" is present and not empty',
  'claim.room.type': '"room" is a string',
  'claim.room.wildcard': '"room" is one room, never "*" for a person',
  'claim.room.case': '"room" is lower case',
  'claim.room.characters': '"room" uses only a-z, 0-9 and -',
  'claim.room.length': '"room" has at most 128 characters',
  'claim.nbf.type': '"nbf" is a JSON number',
  'claim.nbf.future': 'now ≥ "nbf" (no leeway)',
  'claim.exp.missing': '"exp" is present',
  'claim.exp.type': '"exp" is a JSON number',
  'claim.exp.expired': 'now < "exp" (no leeway)',
  'claim.exp.milliseconds': '"exp" is in seconds, not milliseconds',
  'claim.context.user.missing': '"context.user" is present (an object)',
  'claim.context.user.scalar': 'every "context.user" value is a string, number or boolean',
  'claim.context.user.moderator': '"context.user.moderator" is a boolean',
  'claim.context.user.affiliation': '"context.user.affiliation" is owner, moderator or member',
  'claim.context.user.consistency': '"moderator" and "affiliation" agree',
  'claim.context.user.lobby_bypass': '"context.user.lobby_bypass" is a boolean',
  'claim.context.features': '"context.features" maps feature names to true/false',
  signature: "the signature verifies with the server's secret or key",
  'signature.kid': 'the "kid" is one of the server\'s published keys',
} as const;

export type TokenRule = keyof typeof TOKEN_RULES;

export interface TokenProblem {
  /** Stable id of the token rule (a key of TOKEN_RULES), e.g. `header.typ`, `claim.aud`, `claim.exp.expired`. */
  rule: string;
  /** Plain English: what Jitsi does with such a token, and how to fix it. */
  message: string;
}

/** The only algorithms Prosody's JWT library verifies. */
export const JITSI_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'];
/** The affiliations Moderato uses (token_affiliation also knows "teacher"). */
export const AFFILIATIONS: readonly string[] = ['owner', 'moderator', 'member'];
/** Room names: lower-case a-z, 0-9 and -, at most 128 characters: URL, MUC JID and claim agree with no escaping. */
export const ROOM_NAME = /^[a-z0-9-]{1,128}$/;
export const ROOM_NAME_MAX_LENGTH = 128;
/** Jitsi applies no clock leeway, so a minted nbf lies this far in the past. */
export const NBF_SKEW_SECONDS = 30;
/** A NumericDate above this (year 5138) is almost certainly milliseconds. */
const MILLISECONDS_THRESHOLD = 100_000_000_000;

export interface TokenRuleOptions {
  /** When given: iss, aud and sub must be this server's. */
  server?: TokenServer;
  now: Date;
  /** The algorithm(s) the server is configured for, e.g. ['HS256']. */
  allowedAlgs?: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));
const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
const isoDate = (seconds: number): string => {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
};

/**
 * Checks a decoded token against every token rule (docs/jitsi-tokens.md; signature aside: see inspectToken).
 * Returns one problem per broken rule; an empty list means Jitsi would accept the claims.
 * JSON null counts as present (Prosody's cjson turns it into a truthy value), so `"exp": null`
 * is a type problem, not a missing claim.
 */
export function checkTokenRules(header: Record<string, unknown>, payload: Record<string, unknown>, options: TokenRuleOptions): TokenProblem[] {
  const problems: TokenProblem[] = [];
  const add = (rule: TokenRule, message: string) => problems.push({ rule, message });
  const now = Math.floor(options.now.getTime() / 1000);
  const server = options.server;

  // ---- header
  if (header.typ === undefined) {
    add(
      'header.typ',
      'The header has no "typ". Jitsi refuses the token ("Invalid typ"). Sign it with the protected header {"alg": …, "typ": "JWT"} (jose\'s SignJWT leaves "typ" out unless it is set).',
    );
  } else if (header.typ !== 'JWT') {
    add(
      'header.typ',
      `The header says "typ": ${show(header.typ)}. Jitsi accepts only "JWT", exactly and in capitals, and refuses the token ("Invalid typ"). Set "typ": "JWT".`,
    );
  }

  const alg = header.alg;
  if (typeof alg !== 'string' || !JITSI_ALGORITHMS.includes(alg)) {
    const what =
      alg === undefined ? 'The header has no "alg"' : alg === 'none' ? 'The token is unsigned ("alg": "none")' : `The token is signed with ${show(alg)}`;
    add(
      'header.alg',
      `${what}. Jitsi verifies only HS256/384/512 (shared secret) and RS256/384/512 (public key from the ASAP key server); ES256, PS256, EdDSA and "none" are refused ("Invalid or incorrect alg"). Sign with the server's algorithm (HS256 or RS256).`,
    );
  } else if (options.allowedAlgs?.length && !options.allowedAlgs.includes(alg)) {
    add(
      'header.alg.server',
      `The token is signed with ${alg}, but the server is configured for ${options.allowedAlgs.join(' / ')}. Jitsi accepts only the configured algorithm and refuses the token ("Invalid or incorrect alg"). Sign with ${options.allowedAlgs[0]}.`,
    );
  }
  // A server with an ASAP key server (RS*) looks up the key by "kid" before anything else, so a
  // token without one (an HS token too) is refused there first, with this log line.
  const keyServer = !!options.allowedAlgs?.length && options.allowedAlgs.every((allowed) => allowed.startsWith('RS'));
  if ((keyServer || (typeof alg === 'string' && alg.startsWith('RS'))) && (typeof header.kid !== 'string' || header.kid === '')) {
    const what =
      typeof alg === 'string' && alg.startsWith('RS')
        ? `An ${alg} token needs`
        : `The server checks tokens with public keys from its ASAP key server, so every token needs`;
    add(
      'header.kid',
      `${what} a "kid" in the header (found ${show(header.kid)}): Prosody fetches the public key by it and refuses the token without one; its log says "'kid' claim is missing". Sign with the server's current key and put its kid in the header.`,
    );
  }

  // ---- iss
  if (!('iss' in payload)) {
    add(
      'claim.iss.missing',
      `There is no "iss". Jitsi refuses the token ("'iss' claim is missing"). Set "iss" to the server's app id (JWT_APP_ID)${server ? `: "${server.appId}"` : ''}.`,
    );
  } else if (typeof payload.iss !== 'string') {
    add(
      'claim.iss.type',
      `"iss" is ${kindOf(payload.iss)} (${show(payload.iss)}); it never matches the app id and Jitsi refuses the token; its log says "Invalid issuer ('iss' claim)". Use the string app id (JWT_APP_ID)${server ? ` "${server.appId}"` : ''}.`,
    );
  } else if (server ? payload.iss !== server.appId : payload.iss === '') {
    add(
      'claim.iss',
      `"iss" is ${show(payload.iss)}, but the server's app id (JWT_APP_ID, Prosody app_id) is ${server ? `"${server.appId}"` : 'never empty'}. Jitsi refuses the token unless the value is listed in JWT_ACCEPTED_ISSUERS; its log says "Invalid issuer ('iss' claim)". Mint with the app id.`,
    );
  }

  // ---- aud
  const wantedAudience = server ? `"${server.audience}"` : 'the configured audience (default "jitsi")';
  if (!('aud' in payload)) {
    add(
      'claim.aud.missing',
      `There is no "aud". Jitsi refuses a token without one ("'aud' claim is missing"), even when it accepts any audience. Set "aud" to ${wantedAudience}.`,
    );
  } else if (typeof payload.aud !== 'string') {
    add(
      'claim.aud.type',
      `"aud" is ${kindOf(payload.aud)} (${show(payload.aud)}), not a single string. Jitsi compares "aud" as one value against JWT_ACCEPTED_AUDIENCES, so this never matches a configured audience ("Invalid audience ('aud' claim)" in its log). Set "aud" to ${wantedAudience}.`,
    );
  } else if (server && payload.aud !== server.audience) {
    add(
      'claim.aud',
      `"aud" is "${payload.aud}", but the server accepts ${wantedAudience} (JWT_ACCEPTED_AUDIENCES, Prosody asap_accepted_audiences). Jitsi refuses the token; its log says "Invalid audience ('aud' claim)". Mint with the server's audience, or correct the audience in Moderato or in Jitsi so both say the same.`,
    );
  }

  // ---- sub
  const wantedSub = server ? `"${server.xmppDomain}"` : 'the XMPP domain ("meet.jitsi" in docker)';
  if (!('sub' in payload)) {
    add(
      'claim.sub.missing',
      `There is no "sub". It must be the XMPP domain; without it Jitsi cannot tie the token to its domain (refused where domain verification is on). Set "sub" to ${wantedSub}.`,
    );
  } else if (typeof payload.sub !== 'string') {
    add('claim.sub.type', `"sub" is ${kindOf(payload.sub)} (${show(payload.sub)}), not a string. Set "sub" to ${wantedSub}.`);
  } else if (server ? payload.sub !== server.xmppDomain && payload.sub !== '*' : payload.sub === '') {
    add(
      'claim.sub',
      `"sub" is ${show(payload.sub)}, but it must be ${wantedSub}: the XMPP domain, not the public host name of the server. Where domain verification is on, Jitsi does not let the person into the room. Mint with the server's XMPP domain.`,
    );
  }

  // ---- room
  const room = payload.room;
  if (room === undefined || room === '') {
    add(
      'claim.room.missing',
      `${room === '' ? '"room" is empty' : 'There is no "room"'}. Jitsi refuses a token without a room ("'room' claim is missing") and an empty one matches no room. Set "room" to the meeting's room name, in lower case.`,
    );
  } else if (typeof room !== 'string') {
    add(
      'claim.room.type',
      `"room" is ${kindOf(room)} (${show(room)}), not a string. Jitsi cannot match it with the room. Set "room" to the meeting's room name, in lower case.`,
    );
  } else if (room === '*') {
    add(
      'claim.room.wildcard',
      'This is a wildcard room token for a person: "room": "*" lets its holder into every room on the server. Jitsi accepts it, but Moderato never mints one: one token, one room. Revoke it by rotating the secret/key if it was not meant to exist.',
    );
  } else {
    if (room !== room.toLowerCase()) {
      add(
        'claim.room.case',
        `"room" is "${room}", with capitals. Jitsi lower-cases room names (the URL and the MUC JID), so the room is "${room.toLowerCase()}"; keep claim, URL and JID identical. Mint "room": "${room.toLowerCase()}".`,
      );
    }
    if (!/^[a-z0-9-]*$/.test(room.toLowerCase())) {
      add(
        'claim.room.characters',
        `"room" is ${show(room)}: use only a-z, 0-9 and -. Other characters are escaped differently in the URL, the MUC JID and the claim, so the token may not match the room Jitsi opens.`,
      );
    }
    if (room.length > ROOM_NAME_MAX_LENGTH) {
      add(
        'claim.room.length',
        `"room" has ${room.length} characters; keep room names to at most ${ROOM_NAME_MAX_LENGTH} so that URL, MUC JID and claim agree.`,
      );
    }
  }

  // ---- nbf, exp (NumericDate seconds; Jitsi allows no clock leeway)
  const nbf = payload.nbf;
  if ('nbf' in payload && typeof nbf !== 'number') {
    add(
      'claim.nbf.type',
      `"nbf" is ${kindOf(nbf)} (${show(nbf)}), not a JSON number. Jitsi refuses the token ("nbf must be number"). Write seconds since 1970 as a number, without quotes.`,
    );
  } else if (typeof nbf === 'number' && now < nbf) {
    const hint =
      nbf > MILLISECONDS_THRESHOLD
        ? ' It looks like milliseconds: NumericDates are seconds.'
        : ' Check the clock of the machine that minted it; mint with nbf a little in the past (now − 30 s).';
    add(
      'claim.nbf.future',
      `Not valid yet: "nbf" is ${isoDate(nbf)}, ${nbf - now} s from now. Jitsi allows no clock leeway and refuses the token ("Not acceptable by nbf").${hint}`,
    );
  }

  const exp = payload.exp;
  if (!('exp' in payload)) {
    add(
      'claim.exp.missing',
      'There is no "exp". Jitsi treats such a token as never expiring: whoever has the link can join for ever. Always set "exp", bounded by the meeting\'s join window and the maximum TTL.',
    );
  } else if (typeof exp !== 'number') {
    add(
      'claim.exp.type',
      `"exp" is ${kindOf(exp)} (${show(exp)}), not a JSON number. Jitsi refuses the token ("exp must be number"). Write seconds since 1970 as a number, without quotes.`,
    );
  } else if (now >= exp) {
    add(
      'claim.exp.expired',
      `Expired at ${isoDate(exp)}, ${now - exp} s ago. Jitsi refuses a token once now ≥ exp, with no leeway ("Not acceptable by exp"). Open the join link again for a fresh token; if it expired early, check the meeting's join window and the clocks.`,
    );
  } else if (exp > MILLISECONDS_THRESHOLD) {
    add(
      'claim.exp.milliseconds',
      `"exp" is ${exp}: that is milliseconds, read by Jitsi as seconds, so the token stays valid for thousands of years. Write seconds since 1970.`,
    );
  }

  // ---- context.user
  const context = payload.context;
  const user = isObject(context) ? context.user : undefined;
  if (!isObject(user)) {
    add(
      'claim.context.user.missing',
      `"context.user" is ${user === undefined ? 'missing' : kindOf(user)}. It names the person (id, name, email) and carries moderator/affiliation; without it Jitsi shows no name and token_affiliation makes the person a plain member. Mint context.user.`,
    );
  } else {
    const nonScalar = Object.entries(user).filter(([, value]) => value === null || typeof value === 'object');
    if (nonScalar.length) {
      add(
        'claim.context.user.scalar',
        `${nonScalar.map(([key, value]) => `context.user.${key} is ${kindOf(value)}`).join(', ')}. Jitsi turns context.user values into strings, so use plain strings, numbers or booleans (leave a value out rather than null).`,
      );
    }
    const moderator = user.moderator;
    if ('moderator' in user && typeof moderator !== 'boolean') {
      const note =
        moderator === 'true'
          ? ' token_affiliation happens to accept the string "true", other plugins do not.'
          : ' token_affiliation treats it as not a moderator.';
      add('claim.context.user.moderator', `context.user.moderator is ${show(moderator)}, not true or false.${note} Write a JSON boolean.`);
    }
    const affiliation = user.affiliation;
    if ('affiliation' in user && !(typeof affiliation === 'string' && AFFILIATIONS.includes(affiliation))) {
      const note =
        affiliation === 'teacher'
          ? 'token_affiliation makes a "teacher" an owner, but Moderato uses only'
          : 'token_affiliation makes this person a plain member. Use';
      add(
        'claim.context.user.affiliation',
        `context.user.affiliation is ${show(affiliation)}: ${note} owner (the organizer), moderator (co-moderators) or member (everyone else).`,
      );
    }
    const moderatorFlag = moderator === true || moderator === 'true';
    if (moderatorFlag && affiliation === 'member') {
      add(
        'claim.context.user.consistency',
        'context.user says moderator: true but affiliation: member. token_affiliation makes this person a moderator (owner) anyway. Mint moderator: false for members, true only for owner/moderator.',
      );
    } else if (moderator === false && (affiliation === 'owner' || affiliation === 'moderator' || affiliation === 'teacher')) {
      add(
        'claim.context.user.consistency',
        `context.user says moderator: false but affiliation: ${affiliation}. token_affiliation makes this person a moderator (owner) anyway. Mint moderator: true for owner/moderator.`,
      );
    }
    if ('lobby_bypass' in user && typeof user.lobby_bypass !== 'boolean') {
      add(
        'claim.context.user.lobby_bypass',
        `context.user.lobby_bypass is ${show(user.lobby_bypass)}, not true or false; the token_lobby_bypass plugin expects a boolean. Write true/false, or leave it out.`,
      );
    }
  }

  // ---- context.features
  if (isObject(context) && 'features' in context) {
    const features = context.features;
    if (!isObject(features)) {
      add(
        'claim.context.features',
        `context.features is ${kindOf(features)}, not an object of feature names with true/false. Leave it out to let moderator status decide.`,
      );
    } else {
      const bad = Object.entries(features).filter(([, value]) => typeof value !== 'boolean');
      if (bad.length) {
        add(
          'claim.context.features',
          `${bad.map(([key, value]) => `context.features["${key}"] is ${show(value)}`).join(', ')}: features take true or false. When context.features is present, every feature not set to true is denied, even to moderators.`,
        );
      }
    }
  }
  return problems;
}
