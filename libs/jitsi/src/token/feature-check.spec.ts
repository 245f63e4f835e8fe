import { checkTokenFeatures, tokenPayload } from './feature-check';

const payloadWith = (features?: Record<string, unknown>) => ({ context: { user: { id: 'u' }, ...(features ? { features } : {}) } });

describe('checkTokenFeatures', () => {
  it('accepts a token that carries exactly the expected features, reading "true" as Jitsi does', () => {
    expect(checkTokenFeatures(payloadWith({ recording: 'true', 'screen-sharing': false }), { recording: true, 'screen-sharing': false })).toEqual({
      ok: true,
      expected: { recording: true, 'screen-sharing': false },
      found: { recording: true, 'screen-sharing': false },
      problems: [],
    });
  });

  it('names a missing feature (Jitsi: not allowed) and a different value', () => {
    const check = checkTokenFeatures(payloadWith({ recording: true }), { recording: false, 'screen-sharing': true });
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual(['recording is allowed, the policy says not allowed', 'screen-sharing is missing: Jitsi treats it as not allowed']);
  });

  it('wants no features when none are expected, and features when some are', () => {
    expect(checkTokenFeatures(payloadWith(), undefined).ok).toBe(true);
    expect(checkTokenFeatures(payloadWith({ recording: false }), undefined).problems).toEqual([
      'the token carries context.features although the policy puts none into tokens',
    ]);
    expect(checkTokenFeatures(payloadWith(), { recording: false }).problems).toEqual([
      'the token carries no context.features: Jitsi would decide by moderator status alone',
    ]);
  });

  it('reads a payload from a compact token, and nothing from garbage', () => {
    const token = `e30.${Buffer.from(JSON.stringify({ room: 'x' })).toString('base64url')}.sig`;
    expect(tokenPayload(token)).toEqual({ room: 'x' });
    expect(tokenPayload('not a token')).toBeUndefined();
  });
});
