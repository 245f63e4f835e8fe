import { createPublicKey } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@moderato/config';
import { Clock } from '@moderato/core';
import { JitsiServersService, TOKEN_RULES, inspectToken, kidHash, mintRoomToken, type JitsiServer } from '@moderato/jitsi';
import { errorText } from '../redact';
import { TIMEOUT_MS, fail, ok, skip, type Report } from './check';
import { xmppDomainFromConfigJs } from './config-js';
import { checkEndMeeting } from './end-meeting.checks';
import { checkParticipantFeatures } from './features.checks';
import { checkEventsSecret } from './presence.checks';

/** Where an admin edits servers: "Jitsi servers" in the top bar. */
const ADMIN_PAGE = 'Jitsi servers (/admin/servers)';

/** Every enabled Jitsi server: reachable, config.js domain = sub, a sample token obeys the token rules (docs/jitsi-tokens.md), RS256 keys served. */
export async function checkJitsiServers(app: INestApplicationContext, config: AppConfig, report: Report): Promise<void> {
  const servers = await app.get(JitsiServersService).list();
  if (servers.length === 0) {
    report(
      fail(
        'jitsi.servers',
        'No Jitsi server is registered: nobody can schedule a meeting',
        `Add one under ${ADMIN_PAGE}, or: moderato server add --name … --url … --domain … --app-id …`,
      ),
    );
    return;
  }
  for (const server of servers) {
    if (!server.enabled) {
      report(skip('jitsi.server', `Jitsi server "${server.name}" is disabled: not checked`, { server: server.name }));
      continue;
    }
    await checkServer(app, config, server, report);
    await checkEndMeeting(app, config, server, labelOf(config, server), report);
    checkEventsSecret(config, server, report);
  }
}

/** `npm run dev` registers its Jitsi stand-in (apps/dev-jitsi) as a server: say so, it is no Jitsi Meet. */
function labelOf(config: AppConfig, server: JitsiServer): string {
  const standIn = !config.isProduction && server.baseUrl === config.devJitsi.url;
  return `Jitsi "${server.name}"${standIn ? ' (the development stand-in of npm run dev, not a real Jitsi Meet)' : ''}`;
}

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  return { status: response.status, text: await response.text() };
}

async function checkServer(app: INestApplicationContext, config: AppConfig, server: JitsiServer, report: Report): Promise<void> {
  const at = { server: server.name };
  const label = labelOf(config, server);

  // 1. The base URL answers.
  let reachable = false;
  try {
    const { status } = await fetchText(server.baseUrl);
    reachable = status < 400;
    report(
      reachable
        ? ok('jitsi.reachable', `${label}: ${server.baseUrl} answers (${status})`, at)
        : fail(
            'jitsi.reachable',
            `${label}: ${server.baseUrl} answers ${status}`,
            `Check the base URL in ${ADMIN_PAGE} (the address people open Jitsi Meet at, without a room).`,
            at,
          ),
    );
  } catch (error) {
    report(
      fail(
        'jitsi.reachable',
        `${label}: ${server.baseUrl} is not reachable: ${errorText(error)}`,
        `Check the base URL in ${ADMIN_PAGE}, DNS and the firewall between Moderato and Jitsi.`,
        at,
      ),
    );
  }

  // 2. Its config.js names the XMPP domain Moderato puts into "sub".
  if (reachable) {
    const configJs = `${server.baseUrl}/config.js`;
    try {
      const { status, text } = await fetchText(configJs);
      const domain = status === 200 ? xmppDomainFromConfigJs(text) : undefined;
      if (!domain) {
        report(
          fail(
            'jitsi.config-js',
            `${label}: no Jitsi config.js with hosts.domain at ${configJs} (${status})`,
            `Is ${server.baseUrl} really the Jitsi Meet base URL? Jitsi Meet serves /config.js there.`,
            at,
          ),
        );
      } else if (domain.toLowerCase() !== server.xmppDomain.toLowerCase()) {
        report(
          fail(
            'jitsi.config-js',
            `${label}: config.js says the XMPP domain is "${domain}", but Moderato signs tokens with sub "${server.xmppDomain}"`,
            `Set the XMPP domain of "${server.name}" to "${domain}" in ${ADMIN_PAGE} (docker-jitsi-meet: meet.jitsi; not the public host name).`,
            at,
          ),
        );
      } else {
        report(ok('jitsi.config-js', `${label}: config.js XMPP domain "${domain}" equals the token's sub`, at));
      }
    } catch (error) {
      report(fail('jitsi.config-js', `${label}: could not load ${configJs}: ${errorText(error)}`, `Check the base URL in ${ADMIN_PAGE}.`, at));
    }
  }

  // 3. A sample token, minted as for a real meeting, passes every token rule (docs/jitsi-tokens.md) with a valid signature.
  const servers = app.get(JitsiServersService);
  const now = app.get(Clock).now();
  let kid: string | undefined;
  let publicKeyPem: string | undefined;
  try {
    const signingKey = await servers.signingKey(server);
    if (signingKey.alg === 'RS256') {
      kid = signingKey.kid;
      publicKeyPem = createPublicKey(signingKey.privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    }
    const problems: string[] = [];
    for (const affiliation of ['owner', 'member'] as const) {
      const { token } = await mintRoomToken({
        server,
        signingKey,
        room: 'moderato-doctor-check',
        user: { id: 'moderato-doctor', name: 'Moderato doctor', email: 'doctor@moderato.invalid' },
        affiliation,
        window: { notAfter: new Date(now.getTime() + 15 * 60_000) },
        now,
        maxTtlSeconds: config.tokenMaxTtlSeconds,
        // As the join flow mints for a meeting with a lobby: invited members bypass it.
        lobbyBypass: server.lobbyBypass ? affiliation === 'member' : undefined,
      });
      const inspection = await inspectToken(token, {
        server,
        key: await servers.verificationKey(server),
        now,
        allowedAlgs: [server.signingMode],
      });
      if (inspection.signature !== 'valid') problems.push(`signature ${inspection.signature}`);
      problems.push(...inspection.problems.map((problem) => `${problem.rule}: ${problem.message}`));
    }
    report(
      problems.length
        ? fail(
            'jitsi.token',
            `${label}: a sample token breaks a token rule (docs/jitsi-tokens.md): ${problems[0]}`,
            `Fix the server's settings in ${ADMIN_PAGE} (app id, audience, XMPP domain), then run the doctor again.`,
            at,
          )
        : ok(
            'jitsi.token',
            `${label}: sample ${server.signingMode} tokens (owner, member) pass all ${Object.keys(TOKEN_RULES).length} token rules (docs/jitsi-tokens.md), signature valid`,
            at,
          ),
    );
  } catch (error) {
    report(
      fail(
        'jitsi.token',
        `${label}: cannot mint a token: ${errorText(error)}`,
        'The stored secret or key cannot be used: is SECRETS_KEY the one it was stored with? Otherwise set a new secret/key for this server.',
        at,
      ),
    );
  }

  // What participants may do: a member token carries the policy's features.
  await checkParticipantFeatures(app, config, server, label, report);

  // 4. RS256: Prosody fetches <PUBLIC_URL>/asap/<server id>/<sha256(kid)>.pem and must get this key.
  if (server.signingMode !== 'RS256') return;
  if (!kid || !publicKeyPem) {
    report(skip('jitsi.asap', `${label}: no signing key to look up`, at));
    return;
  }
  const keyUrl = `${config.publicUrl}/asap/${server.id}/${kidHash(kid)}.pem`;
  try {
    const { status, text } = await fetchText(keyUrl);
    let same = false;
    if (status === 200 && text.includes('-----BEGIN PUBLIC KEY-----')) {
      const served = createPublicKey(text).export({ type: 'spki', format: 'der' });
      same = served.equals(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }));
    }
    report(
      same
        ? ok('jitsi.asap', `${label}: ${keyUrl} serves the current public key (SPKI PEM)`, at)
        : fail(
            'jitsi.asap',
            status === 200 ? `${label}: ${keyUrl} serves something other than the current public key` : `${label}: ${keyUrl} answers ${status}`,
            `The api must answer at PUBLIC_URL (${config.publicUrl}) with this database; check PUBLIC_URL and the reverse proxy (it must pass /asap/ through).`,
            at,
          ),
    );
  } catch (error) {
    report(
      fail(
        'jitsi.asap',
        `${label}: key URL ${keyUrl} is not reachable: ${errorText(error)}`,
        `Start the api and make PUBLIC_URL (${config.publicUrl}) reachable: Prosody fetches the key there (JWT_ASAP_KEYSERVER).`,
        at,
      ),
    );
  }
}
