import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { SystemKeysService, conferenceJid, endMeetingSupport, kidHash, mintSystemToken, type JitsiServer } from '@moderato/jitsi';
import { errorText } from '../redact';
import { TIMEOUT_MS, fail, ok, skip, type Report } from './check';

const post = async (url: string, token?: string) =>
  (await fetch(url, { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(TIMEOUT_MS) })).status;

/**
 * End meeting (Jitsi's muc_end_meeting) for one server: why it is not offered (HS256, no Prosody
 * HTTP base URL), else that the system key URL serves the current system key, that the module
 * answers (401 without a token) and that Prosody accepts the system token (404 for a room that
 * does not exist, not 401). Never ends a real room: the probe's room name is random.
 */
export async function checkEndMeeting(app: INestApplicationContext, config: AppConfig, server: JitsiServer, label: string, report: Report): Promise<void> {
  const at = { server: server.name };
  const support = endMeetingSupport(server);
  if (support === 'needs_rs256') {
    report(
      skip(
        'jitsi.end-meeting',
        `${label}: End meeting is not offered: the server signs with HS256, and muc_end_meeting accepts only tokens of the host's own algorithm (an HS256 host refuses every system token; switching it to RS256 alone breaks its HS256 logins). To offer it, move the server to RS256 (docs/jitsi.md, "End the meeting for everyone")`,
        at,
      ),
    );
    return;
  }
  if (support === 'not_configured' || !server.prosodyHttpUrl) {
    report(skip('jitsi.end-meeting', `${label}: End meeting is off: no Prosody HTTP base URL (set it on the server page to offer it)`, at));
    return;
  }
  const systemKeys = app.get(SystemKeysService);
  let key;
  try {
    key = await systemKeys.signingKey();
  } catch (error) {
    report(
      fail(
        'jitsi.system-key',
        `The system key cannot be used: ${errorText(error)}`,
        'Is SECRETS_KEY the one the system key was stored with? Otherwise rotate the system key.',
        at,
      ),
    );
    return;
  }
  const keyUrl = `${systemKeys.keyUrl()}/${kidHash(key.kid)}.pem`;
  try {
    const response = await fetch(keyUrl, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    report(
      response.status === 200 && text.includes('-----BEGIN PUBLIC KEY-----')
        ? ok('jitsi.system-key', `${label}: the system key URL ${keyUrl} serves the current system key`, at)
        : fail(
            'jitsi.system-key',
            `${label}: the system key URL ${keyUrl} answers ${response.status}`,
            `The api must answer at PUBLIC_URL (${config.publicUrl}); the reverse proxy must pass /asap/ through.`,
            at,
          ),
    );
  } catch (error) {
    report(
      fail(
        'jitsi.system-key',
        `${label}: the system key URL ${keyUrl} is not reachable: ${errorText(error)}`,
        `Start the api and make PUBLIC_URL (${config.publicUrl}) reachable.`,
        at,
      ),
    );
  }
  const room = `moderato-doctor-${randomBytes(6).toString('hex')}`;
  const url = `${server.prosodyHttpUrl.replace(/\/+$/, '')}/end-meeting?conference=${encodeURIComponent(conferenceJid(server, room))}`;
  const fix = `Enable muc_end_meeting and set prosody_password_public_key_repo_url = "${systemKeys.keyUrl()}" (the lines on the server page); check the Prosody HTTP base URL.`;
  try {
    const bare = await post(url);
    if (bare !== 401) {
      report(
        fail(
          'jitsi.end-meeting',
          `${label}: ${server.prosodyHttpUrl}/end-meeting answers ${bare} without a token (muc_end_meeting answers 401): is the module enabled?`,
          fix,
          at,
        ),
      );
      return;
    }
    const { token } = await mintSystemToken({ server, key, room, now: app.get(Clock).now() });
    const status = await post(url, token);
    report(
      status === 404
        ? ok('jitsi.end-meeting', `${label}: muc_end_meeting at ${server.prosodyHttpUrl} accepts Moderato's system token`, at)
        : fail(
            'jitsi.end-meeting',
            status === 401 ? `${label}: Prosody refused the system token (401)` : `${label}: muc_end_meeting answered ${status} to a probe`,
            fix,
            at,
          ),
    );
  } catch (error) {
    report(fail('jitsi.end-meeting', `${label}: Prosody at ${server.prosodyHttpUrl} is not reachable: ${errorText(error)}`, fix, at));
  }
}
