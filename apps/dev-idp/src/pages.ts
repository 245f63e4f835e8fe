import { escapeHtml } from '@moderato/core';
import type { DevIdpUser } from './users';

export { escapeHtml };

/** Headers for every page: no caching, no framing, nothing but inline styles. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; padding: 2rem 1rem; }
  main { max-width: 26rem; margin: 0 auto; background: #fff; border-radius: 8px; padding: 1.5rem 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.35rem; margin-top: 0; }
  .note { background: #fff6d6; border: 1px solid #e6cf73; border-radius: 6px; padding: .75rem 1rem; font-size: .9rem; }
  .note table { border-collapse: collapse; margin-top: .5rem; }
  .note td, .note th { padding: .1rem .6rem .1rem 0; text-align: left; font-size: .85rem; }
  .error { background: #fde8e8; border: 1px solid #d97777; border-radius: 6px; padding: .75rem 1rem; color: #8a1c1c; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input[type=email], input[type=password] { display: block; width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font-size: 1rem; border: 1px solid #8a93a6; border-radius: 4px; }
  button { margin-top: 1.25rem; padding: .55rem 1.2rem; font-size: 1rem; border-radius: 4px; border: 1px solid #1f4fbf; background: #2459d6; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #1f4fbf; }
  .actions { display: flex; gap: .75rem; align-items: center; }
  code { font-size: .85rem; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

const DEVELOPMENT_NOTE = 'This is the development identity provider of Moderato. It is for development and tests only.';

export interface LoginPageOptions {
  action: string;
  abortAction: string;
  clientId: string;
  email?: string;
  error?: string;
  users: readonly DevIdpUser[];
}

/** The sign-in form: works without JavaScript; lists the accounts that can sign in. */
export function loginPage(options: LoginPageOptions): string {
  const accounts = options.users
    .map(
      (user) =>
        `<tr><td><code>${escapeHtml(user.email)}</code></td><td><code>${escapeHtml(user.password)}</code></td>` +
        `<td>${escapeHtml(user.groups.join(', '))}${user.emailVerified === false ? ' (email not verified)' : ''}</td></tr>`,
    )
    .join('\n');
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return page(
    'Moderato development sign-in',
    `<h1>Moderato development sign-in</h1>
<div class="note">
<p><strong>${escapeHtml(DEVELOPMENT_NOTE)}</strong> Sign in with one of the demo accounts:</p>
<table>
<thead><tr><th scope="col">Email</th><th scope="col">Password</th><th scope="col">Groups</th></tr></thead>
<tbody>
${accounts}
</tbody>
</table>
</div>
<p>Signing in to <strong>${escapeHtml(options.clientId)}</strong>.</p>
${error}
<form method="post" action="${escapeHtml(options.action)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(options.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions">
<button type="submit">Sign in</button>
<button type="submit" class="secondary" formaction="${escapeHtml(options.abortAction)}" formnovalidate>Cancel</button>
</div>
</form>`,
  );
}

/** The confirmation of RP-initiated logout; `form` is the provider's (hidden) form. */
export function logoutPage(form: string, clientName?: string): string {
  const from = clientName ? ` from <strong>${escapeHtml(clientName)}</strong> and` : '';
  return page(
    'Sign out — Moderato development sign-in',
    `<h1>Sign out</h1>
<p class="note">${escapeHtml(DEVELOPMENT_NOTE)}</p>
<p>Do you want to sign out${from} from the development identity provider?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>`,
  );
}

/** Shown after a logout that named no post-logout redirect URI. */
export function signedOutPage(): string {
  return page(
    'Signed out — Moderato development sign-in',
    `<h1>You are signed out</h1>
<p>You are signed out of the development identity provider. You can close this window.</p>`,
  );
}

/** Errors that cannot be sent back to the application (bad client, expired sign-in, …). */
export function errorPage(title: string, message: string, details?: string): string {
  return page(
    `${title} — Moderato development sign-in`,
    `<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
${details ? `<p><code>${escapeHtml(details)}</code></p>` : ''}
<p>Go back to the application and start signing in again.</p>`,
  );
}
