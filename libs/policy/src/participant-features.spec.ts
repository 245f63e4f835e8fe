import { DEFAULT_PARTICIPANT_FEATURES, PARTICIPANT_FEATURES, featuresFor, mergeParticipantFeatures, organizerMayAllow } from './participant-features';

const only = (...allowed: string[]) => Object.fromEntries(PARTICIPANT_FEATURES.map((feature) => [feature, allowed.includes(feature)]));

describe('participant features (context.features)', () => {
  it('defaults to what Jitsi does without features: owners and moderators everything, members and guests only screen sharing', () => {
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'owner')).toEqual(only(...PARTICIPANT_FEATURES));
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'moderator')).toEqual(only(...PARTICIPANT_FEATURES));
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'member')).toEqual(only('screen-sharing'));
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'guest')).toEqual(only('screen-sharing'));
  });

  it('a meeting override takes features away from participants and guests, never from the organizer or co-moderators', () => {
    const overrides = { 'screen-sharing': false };
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'member', overrides)).toEqual(only());
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'guest', overrides)).toEqual(only());
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'owner', overrides)).toEqual(only(...PARTICIPANT_FEATURES));
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'moderator', overrides)).toEqual(only(...PARTICIPANT_FEATURES));
  });

  it('allows beyond the default only where the policy lets organizers allow it, checked again at minting', () => {
    const policy = mergeParticipantFeatures({ organizerMayAllow: { recording: true } });
    expect(organizerMayAllow(policy, 'recording')).toBe(true);
    expect(organizerMayAllow(policy, 'livestreaming')).toBe(false);
    expect(featuresFor(policy, 'member', { recording: true, livestreaming: true })).toEqual(only('screen-sharing', 'recording'));
    // The policy changed since the meeting was saved: its true no longer counts.
    expect(featuresFor(DEFAULT_PARTICIPANT_FEATURES, 'member', { recording: true })).toEqual(only('screen-sharing'));
  });

  it('puts none into tokens when switched off', () => {
    const off = mergeParticipantFeatures({ enabled: false });
    expect(featuresFor(off, 'owner')).toBeUndefined();
    expect(featuresFor(off, 'member', { 'screen-sharing': false })).toBeUndefined();
  });

  it('merges what is given over the base, ignoring anything that is not a boolean of a known role and feature', () => {
    const merged = mergeParticipantFeatures({
      member: { recording: true, 'screen-sharing': 'no', whiteboard: true },
      teacher: { recording: true },
      enabled: 'yes',
    });
    expect(merged.member).toEqual(only('screen-sharing', 'recording'));
    expect(merged.enabled).toBe(true);
    expect(merged).not.toHaveProperty('teacher');
    expect(mergeParticipantFeatures(null)).toEqual(DEFAULT_PARTICIPANT_FEATURES);
    // The defaults are never changed by a merge.
    expect(DEFAULT_PARTICIPANT_FEATURES.member.recording).toBe(false);
  });
});
