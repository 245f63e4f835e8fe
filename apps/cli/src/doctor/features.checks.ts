import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { JitsiServersService, checkTokenFeatures, mintRoomToken, tokenPayload, type JitsiServer } from '@moderato/jitsi';
import { PolicyService, featuresFor } from '@moderato/policy';
import { errorText } from '../redact';
import { fail, ok, skip, type Report } from './check';

/**
 * What participants may do (docs/jitsi.md, "What participants may do"): a member token minted with
 * the policy's defaults carries exactly the features the policy gives members, read back from the
 * token as Jitsi reads it. Prosody's modules (filter_iq_jibri, filter_iq_rayo) cannot be seen from
 * here: the line says which ones enforce them.
 */
export async function checkParticipantFeatures(
  app: INestApplicationContext,
  config: AppConfig,
  server: JitsiServer,
  label: string,
  report: Report,
): Promise<void> {
  const at = { server: server.name };
  const policy = (await app.get(PolicyService).current()).participantFeatures;
  const expected = featuresFor(policy, 'member');
  if (!expected) {
    report(skip('jitsi.features', `${label}: the policy puts no participant features into tokens (context.features): Jitsi decides by moderator status`, at));
    return;
  }
  try {
    const now = app.get(Clock).now();
    const { token } = await mintRoomToken({
      server,
      signingKey: await app.get(JitsiServersService).signingKey(server),
      room: 'moderato-doctor-check',
      user: { id: 'moderato-doctor', name: 'Moderato doctor', email: 'doctor@moderato.invalid' },
      affiliation: 'member',
      window: { notAfter: new Date(now.getTime() + 15 * 60_000) },
      now,
      maxTtlSeconds: config.tokenMaxTtlSeconds,
      features: expected,
    });
    const check = checkTokenFeatures(tokenPayload(token), expected);
    const allowed = Object.entries(expected)
      .filter(([, value]) => value)
      .map(([name]) => name);
    report(
      check.ok
        ? ok(
            'jitsi.features',
            `${label}: a member token carries the policy's participant features (allowed: ${allowed.join(', ') || 'none'}; the rest false); Prosody enforces recording, streaming, subtitles and calls only with filter_iq_jibri and filter_iq_rayo (docs/jitsi.md)`,
            at,
          )
        : fail(
            'jitsi.features',
            `${label}: a member token does not carry the policy's participant features: ${check.problems[0]}`,
            'Save the policy page again (Administration → Policy → What participants may do) and run the doctor again; if it stays, report it as a bug.',
            at,
          ),
    );
  } catch (error) {
    report(fail('jitsi.features', `${label}: cannot mint a member token: ${errorText(error)}`, 'See the jitsi.token line above.', at));
  }
}
