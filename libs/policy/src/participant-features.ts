/**
 * What participants may do in the Jitsi room, minted into their token as `context.features`
 * (docs/jitsi.md, "What participants may do"). The feature names are Jitsi's own (MEET_FEATURES in
 * jitsi-meet's react/features/base/jwt/constants.ts); Moderato manages these six.
 */
export const PARTICIPANT_FEATURES = ['screen-sharing', 'recording', 'livestreaming', 'transcription', 'outbound-call', 'file-upload'] as const;
export type ParticipantFeature = (typeof PARTICIPANT_FEATURES)[number];

/** The roles the policy sets defaults for: the token's affiliations, and guests (members without an account). */
export const FEATURE_ROLES = ['owner', 'moderator', 'member', 'guest'] as const;
export type FeatureRole = (typeof FEATURE_ROLES)[number];

export type FeatureSwitches = Record<ParticipantFeature, boolean>;

/** The organisation's rules: a default per role and feature, and which features organizers may allow participants beyond that. */
export interface ParticipantFeaturesPolicy {
  /** Off: tokens carry no `context.features`, and Jitsi decides on its own (moderators only, for most features). */
  enabled: boolean;
  owner: FeatureSwitches;
  moderator: FeatureSwitches;
  member: FeatureSwitches;
  guest: FeatureSwitches;
  /** Per feature: an organizer may allow it for the participants of a meeting although the default says no. Taking a feature away is always possible. */
  organizerMayAllow: FeatureSwitches;
}

/** A meeting's override for its participants (members and guests): true allows, false forbids; a feature left out keeps the policy's default. */
export type MeetingFeatures = Partial<Record<ParticipantFeature, boolean>>;

const all = (value: boolean): FeatureSwitches => Object.fromEntries(PARTICIPANT_FEATURES.map((feature) => [feature, value])) as FeatureSwitches;

/**
 * The defaults are what Jitsi does for a token without `context.features`: moderators (owners)
 * may do everything, everyone else may share their screen and nothing else. So turning the policy
 * on changes nothing until an admin changes a box.
 */
export const DEFAULT_PARTICIPANT_FEATURES: ParticipantFeaturesPolicy = {
  enabled: true,
  owner: all(true),
  moderator: all(true),
  member: { ...all(false), 'screen-sharing': true },
  guest: { ...all(false), 'screen-sharing': true },
  organizerMayAllow: { ...all(false), 'screen-sharing': true },
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const GRIDS = [...FEATURE_ROLES, 'organizerMayAllow'] as const;

/** `value` (stored or given in part) over `base`: every boolean it has wins, anything else is ignored. */
export function mergeParticipantFeatures(value: unknown, base: ParticipantFeaturesPolicy = DEFAULT_PARTICIPANT_FEATURES): ParticipantFeaturesPolicy {
  const merged = structuredClone(base);
  if (!isObject(value)) return merged;
  if (typeof value.enabled === 'boolean') merged.enabled = value.enabled;
  for (const grid of GRIDS) {
    const row = value[grid];
    if (!isObject(row)) continue;
    for (const feature of PARTICIPANT_FEATURES) if (typeof row[feature] === 'boolean') merged[grid][feature] = row[feature];
  }
  return merged;
}

/** Whether an organizer may set `feature: true` for a meeting's participants. */
export function organizerMayAllow(policy: ParticipantFeaturesPolicy, feature: ParticipantFeature): boolean {
  return policy.organizerMayAllow[feature] || policy.member[feature];
}

/**
 * The `context.features` of a token for `role` in a meeting with these overrides; undefined when
 * the policy puts no features into tokens. Every managed feature is present, true or false: in a
 * token that has `context.features`, Jitsi treats a feature that is left out as forbidden.
 * An override applies to participants (member, guest): false always forbids, true allows only
 * where the policy lets organizers allow it (checked again here: the policy may have changed
 * since the meeting was saved).
 */
export function featuresFor(policy: ParticipantFeaturesPolicy, role: FeatureRole, overrides?: MeetingFeatures | null): FeatureSwitches | undefined {
  if (!policy.enabled) return undefined;
  const features = { ...policy[role] };
  if ((role === 'member' || role === 'guest') && isObject(overrides)) {
    for (const feature of PARTICIPANT_FEATURES) {
      const override = overrides[feature];
      if (override === false) features[feature] = false;
      else if (override === true && organizerMayAllow(policy, feature)) features[feature] = true;
    }
  }
  return features;
}
