import { exitGracefullyOnSignals } from '@moderato/core';
import { loadConfigOrExit } from '@moderato/config';
import { DEMO_USERS, loadUsersFile, startDevIdp, type DevIdpUser } from './index';

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.isProduction) {
    console.error(
      'The development identity provider (apps/dev-idp) refuses to start with NODE_ENV=production: ' +
        'it signs anyone in with a published password. Use your real identity provider (e.g. Keycloak) and set OIDC_ISSUER.',
    );
    process.exit(1);
  }

  let users: DevIdpUser[] = DEMO_USERS;
  if (config.devIdp.usersFile) {
    try {
      users = loadUsersFile(config.devIdp.usersFile);
    } catch (error) {
      console.error(`DEV_IDP_USERS_FILE: ${(error as Error).message}`);
      process.exit(1);
    }
  }

  const { issuer: configuredIssuer, clientId, clientSecret } = config.oidc;
  const issuerHost = new URL(configuredIssuer).hostname;
  // Only loopback unless the issuer names another host (e.g. a container name).
  const host = issuerHost === '[::1]' ? '::1' : ['localhost', '127.0.0.1'].includes(issuerHost) ? '127.0.0.1' : '0.0.0.0';
  const idp = await startDevIdp({
    issuer: configuredIssuer,
    host,
    production: config.isProduction,
    users,
    clients: [
      {
        clientId,
        clientSecret,
        redirectUris: [`${config.publicUrl}/auth/callback`],
        postLogoutRedirectUris: [`${config.publicUrl}/`],
      },
    ],
  });

  exitGracefullyOnSignals(idp, config.shutdownTimeoutMs, (message) => say(`dev-idp: ${message}`));

  say('Moderato development identity provider — for development and tests only, never production.');
  say(`Issuer     ${idp.issuer}`);
  say(`Discovery  ${idp.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  say(`Client     ${clientId} (${clientSecret ? 'confidential, client_secret_post' : 'public, PKCE only'}), redirect URI ${config.publicUrl}/auth/callback`);
  say('Demo logins (email / password):');
  const width = Math.max(...users.map((user) => user.email.length));
  for (const user of users) {
    const notes = [user.groups.join(', '), user.emailVerified === false ? 'email not verified' : ''].filter(Boolean).join('; ');
    say(`  ${user.email.padEnd(width)}  /  ${user.password}${notes ? `   (${notes})` : ''}`);
  }
}

main().catch((error: unknown) => {
  console.error('Moderato development IdP failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
