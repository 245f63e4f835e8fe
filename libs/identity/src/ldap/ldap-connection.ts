import { readFileSync } from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import { BusyError, Client, InvalidCredentialsError, NoSuchObjectError, ResultCodeError, TimeLimitExceededError, UnavailableError } from 'ldapts';
import { AppConfig, type LdapSettings } from '@moderato/config';
import { DomainError } from '@moderato/core';
import { DirectoryMisconfigured, DirectoryUnavailable, InvalidCredentials, SignInUnavailable } from '../identity.errors';

/** ldapts result codes are the directory answering; anything else (refused, timeout, TLS) is it being unreachable. */
const isDirectoryAnswer = (error: unknown) => error instanceof ResultCodeError;
/** An answer that still means "not now" (busy, unavailable, out of time): the directory is down for us, not misconfigured. */
const isDirectoryBusy = (error: unknown) => error instanceof BusyError || error instanceof UnavailableError || error instanceof TimeLimitExceededError;

/** How a refusal is told: the directory down or answering but refusing Moderato's settings. */
export interface DirectoryFailures {
  unavailable(detail: string): DomainError;
  misconfigured(detail: string): DomainError;
}

/** Failures of a sign-in: the person cannot sign in now. */
export const signInFailures: DirectoryFailures = {
  unavailable: (detail) => new SignInUnavailable(detail, 'ldap'),
  misconfigured: (detail) => new SignInUnavailable(detail, 'ldap', 'configuration'),
};

/** Failures of a directory search (invitations). */
export const directoryFailures: DirectoryFailures = {
  unavailable: (detail) => new DirectoryUnavailable(detail),
  misconfigured: (detail) => new DirectoryMisconfigured(detail),
};

/**
 * Connections to the configured directory (ldapts): the search account's, for one piece of work,
 * and a person's bind that checks their password. Shared by the sign-in and the directory search.
 */
@Injectable()
export class LdapConnection {
  private readonly logger = new Logger('Ldap');
  private ca?: Buffer;

  constructor(private readonly config: AppConfig) {}

  /** The password check: a bind as the person, on a connection of its own. */
  async bindAs(settings: LdapSettings, dn: string, password: string): Promise<void> {
    const client = await this.connect(settings);
    try {
      await client.bind(dn, password);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) throw new InvalidCredentials('wrong_password');
      if (isDirectoryAnswer(error)) {
        // E.g. Active Directory's "account locked/expired" answers; still "wrong username or password".
        this.logger.warn(`LDAP bind as ${dn} refused: ${(error as Error).message}`);
        throw new InvalidCredentials('wrong_password');
      }
      throw error;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /**
   * A connection bound as the search account (anonymous when none is configured), closed
   * afterwards. The directory not answering becomes `unavailable`; the directory answering but
   * refusing the search account, a base DN or the search becomes `misconfigured` (an
   * administrator's job). The directory's URL goes to the log only, never into the error.
   */
  async withServiceClient<T>(failures: DirectoryFailures, work: (client: Client) => Promise<T>): Promise<T> {
    const settings = this.config.ldap!;
    let client: Client | undefined;
    try {
      client = await this.connect(settings);
      if (settings.bindDn) {
        try {
          await client.bind(settings.bindDn, settings.bindPassword ?? '');
        } catch (error) {
          if (!isDirectoryAnswer(error) || isDirectoryBusy(error)) throw error;
          this.logger.error({ err: error }, `the LDAP search account ${settings.bindDn} cannot bind; check LDAP_BIND_DN and LDAP_BIND_PASSWORD`);
          throw failures.misconfigured('the search account cannot bind (LDAP_BIND_DN, LDAP_BIND_PASSWORD)');
        }
      }
      return await work(client);
    } catch (error) {
      if (error instanceof DomainError) throw error; // decided above
      if (error instanceof NoSuchObjectError) {
        this.logger.error({ err: error }, 'an LDAP base DN does not exist; check LDAP_USER_BASE_DN and LDAP_GROUP_BASE_DN');
        throw failures.misconfigured('a configured base DN does not exist (LDAP_USER_BASE_DN, LDAP_GROUP_BASE_DN)');
      }
      if (isDirectoryAnswer(error) && !isDirectoryBusy(error)) {
        this.logger.error({ err: error }, `the directory at ${settings.url} refused a search: ${(error as Error).message}`);
        throw failures.misconfigured('the directory refused the search');
      }
      this.logger.error({ err: error }, `the directory at ${settings.url} did not answer`);
      throw failures.unavailable('the directory did not answer');
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }

  private async connect(settings: LdapSettings): Promise<Client> {
    if (settings.caFile && !this.ca) this.ca = readFileSync(settings.caFile);
    const tlsOptions = this.ca ? { ca: [this.ca] } : {};
    const client = new Client({ url: settings.url, timeout: settings.timeoutMs, connectTimeout: settings.timeoutMs, tlsOptions, strictDN: false });
    if (settings.startTls) await client.startTLS(tlsOptions);
    return client;
  }
}
