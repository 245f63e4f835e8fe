import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@moderato/config';

export const hashLinkCode = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * Personal link codes. A code is 256 bits derived from SECRETS_KEY, the invitation id and a
 * random salt; the database keeps only the salt and the code's SHA-256. So a database leak
 * yields no working link, and Moderato can still put the link into later mails (updates,
 * reminders) without ever storing it.
 */
@Injectable()
export class LinkCodes {
  constructor(private readonly config: AppConfig) {}

  newSalt(): string {
    return randomBytes(16).toString('base64url');
  }

  codeFor(invitation: { id: string; linkCodeSalt: string }): string {
    return createHmac('sha256', this.config.secrets.secretsKey).update(`invitation-link:${invitation.id}:${invitation.linkCodeSalt}`).digest('base64url');
  }

  hashFor(invitation: { id: string; linkCodeSalt: string }): string {
    return hashLinkCode(this.codeFor(invitation));
  }

  /** The personal link: PUBLIC_URL/j/<code>. */
  linkFor(invitation: { id: string; linkCodeSalt: string }): string {
    return `${this.config.publicUrl}/j/${this.codeFor(invitation)}`;
  }
}
