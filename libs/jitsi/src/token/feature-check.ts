/** The outcome of comparing a token's context.features with what the policy says it must carry. */
export interface FeatureCheck {
  ok: boolean;
  /** What the policy says (undefined: no features in tokens). */
  expected?: Record<string, boolean>;
  /** What the token carries, as Jitsi reads it (true or "true" allows); undefined when it has no context.features. */
  found?: Record<string, boolean>;
  /** One line per difference, in English (the doctor prints them). */
  problems: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The decoded payload of a compact JWT, or undefined. */
export function tokenPayload(token: string): Record<string, unknown> | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return isObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a token carries exactly the expected context.features: every expected feature with its
 * value (Jitsi treats one that is missing as not allowed), and none when none are expected.
 */
export function checkTokenFeatures(payload: Record<string, unknown> | undefined, expected: Record<string, boolean> | undefined): FeatureCheck {
  const context = payload?.context;
  const raw = isObject(context) && isObject(context.features) ? context.features : undefined;
  const found = raw ? Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, value === true || value === 'true'])) : undefined;
  const problems: string[] = [];
  if (!expected) {
    if (found) problems.push('the token carries context.features although the policy puts none into tokens');
  } else if (!found) {
    problems.push('the token carries no context.features: Jitsi would decide by moderator status alone');
  } else {
    for (const [name, allowed] of Object.entries(expected)) {
      if (!(name in found)) problems.push(`${name} is missing: Jitsi treats it as not allowed`);
      else if (found[name] !== allowed)
        problems.push(`${name} is ${found[name] ? 'allowed' : 'not allowed'}, the policy says ${allowed ? 'allowed' : 'not allowed'}`);
    }
  }
  return { ok: problems.length === 0, expected, found, problems };
}
