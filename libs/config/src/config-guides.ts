/**
 * The prose after the tables of docs/configuration.md (config-docs.ts appends it): settings that
 * belong together for one job. Markdown; edit here, then `npm run docs:config`.
 */
export const CONFIGURATION_GUIDES = `## Mail relays

Moderato sends through one SMTP server, \`SMTP_URL\`, as the sender \`MAIL_FROM\`. On port 587 the
connection starts in plain text and is upgraded with STARTTLS; set \`SMTP_REQUIRE_TLS=true\` so that a
server (or something in between) that does not offer STARTTLS is refused instead of being sent the
password and the mails in clear text. \`smtps://\` (port 465) is TLS from the first byte. Special
characters in the user or password are URL-encoded (\`@\` → \`%40\`). A relay whose certificate comes
from your own CA needs that CA in \`SMTP_CA_FILE\` (a PEM file, read at start). Check the result with
\`moderato doctor --mail-to you@school.org\` (sends one test mail).

A relay that answers "try again later" (4xx, e.g. a rate limit) does not lose mail: Moderato retries
for \`MAIL_RETRY_HOURS\` and shows the waiting mails on the admin dashboard. A relay that refuses a
recipient or the sender with 5xx fails that mail at once.

**Microsoft 365 (Exchange Online), SMTP AUTH client submission:**

\`\`\`sh
SMTP_URL=smtp://moderato%40school.org:<password>@smtp.office365.com:587
SMTP_REQUIRE_TLS=true
MAIL_FROM="Moderato <moderato@school.org>"
\`\`\`

- The account is a licensed mailbox (or shared mailbox with a password) with *Authenticated SMTP*
  turned on for it (Microsoft 365 admin center → the user → Mail → Manage email apps); tenants with
  security defaults have SMTP AUTH off.
- \`MAIL_FROM\` must be that mailbox's address (or one it may *Send As*); Exchange refuses others.
- Moderato signs in with user and password (no OAuth). Where the tenant has basic authentication for
  SMTP AUTH turned off, relay through a connector instead (an inbound connector for the server's
  public IP, \`SMTP_URL=smtp://<your domain>.mail.protection.outlook.com:25\`, \`SMTP_REQUIRE_TLS=true\`).
- Exchange Online limits how many messages a mailbox sends per minute and recipients per day: a
  whole school's invitations at once are slowed down (4xx) and retried, not lost.

**Google Workspace SMTP relay service:**

\`\`\`sh
# the relay accepts the server's public IP address (Admin console → Apps → Google Workspace →
# Gmail → Routing → SMTP relay service: "Only accept mail from the specified IP addresses")
SMTP_URL=smtp://smtp-relay.gmail.com:587
# or, with "Require SMTP Authentication" there: a Workspace user and its app password
# SMTP_URL=smtp://moderato%40school.org:<app password>@smtp-relay.gmail.com:587
SMTP_REQUIRE_TLS=true
MAIL_FROM="Moderato <moderato@school.org>"
\`\`\`

- In the relay's settings choose *Allowed senders: Only addresses in my domains* and tick
  *Require TLS encryption*; \`MAIL_FROM\` must be an address in one of your domains.
- Google limits the recipients per day of the relay service; large invitation rounds wait and are
  retried as above.

## Metrics

\`GET /metrics\` on the api answers in Prometheus' text format once \`METRICS_TOKEN\` is set, and only
to \`Authorization: Bearer <METRICS_TOKEN>\` (401 otherwise; without \`METRICS_TOKEN\` it is a 404). It
is served on the api's own port, so nothing else needs opening; to keep it off the internet
altogether, refuse it in the reverse proxy (nginx: \`location = /metrics { return 404; }\`) and
scrape each replica at its own address. The counters are per process: scrape every api replica,
not one at random through a load balancer. A scrape runs two queries (the outbox by status, the
workers' heartbeats): every 30-60 s is plenty.

\`\`\`yaml
# prometheus.yml
scrape_configs:
  - job_name: moderato
    scrape_interval: 30s
    authorization:
      type: Bearer
      credentials_file: /etc/prometheus/moderato-metrics-token # the METRICS_TOKEN value
    static_configs:
      - targets: ['10.0.0.11:3000', '10.0.0.12:3000'] # each api replica
\`\`\`

| series | type | what it says |
| --- | --- | --- |
| \`moderato_joins_total{affiliation, path}\` | counter | Jitsi tokens minted for a join: affiliation \`owner\`, \`moderator\`, \`member\`; path \`link\` (personal link), \`guest\`, \`start\` (the organizer's Start) |
| \`moderato_joins_refused_total{reason}\` | counter | personal links refused: \`revoked\`, \`cancelled\`, \`identity_email\`, \`identity_unverified\`, \`identity_bound\` |
| \`moderato_sign_ins_total{method, result}\` | counter | sign-ins by \`oidc\` or \`ldap\`: \`success\`, \`failed\` (wrong password, a failed check), \`refused\` (account refused, LDAP pause) |
| \`moderato_http_request_duration_seconds{method, route, status}\` | histogram | requests by route pattern (\`/j/:code\`, never the code; \`unmatched\` when no route took it) |
| \`moderato_mail_messages{status}\` | gauge | mails in the outbox: \`pending\`, \`queued\`, \`retrying\`, \`sent\`, \`failed\` (read at scrape time) |
| \`moderato_outbox_backlog\` | gauge | mails due and not yet sent |
| \`moderato_outbox_oldest_pending_seconds\` | gauge | how long the oldest of them has waited (0: none waits) |
| \`moderato_worker_heartbeat_age_seconds\` | gauge | seconds since the freshest worker heartbeat (\`+Inf\`: no worker ever reported) |
| \`moderato_workers_live\` | gauge | workers whose heartbeat is fresh (30 s) |
| \`moderato_build_info{version}\` | gauge | the running release |

Alerts worth having: \`moderato_worker_heartbeat_age_seconds > 60\` (mail and reminders stopped),
\`moderato_outbox_oldest_pending_seconds > 900\` (mail is stuck: SMTP down or refusing),
\`delta(moderato_mail_messages{status="failed"}[1h]) > 0\`, and a jump of
\`rate(moderato_sign_ins_total{result!="success"}[10m])\`.
`;
