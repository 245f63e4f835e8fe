import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@moderato/config';
import { DirectoryGroupNotFound, DirectoryMisconfigured, DirectoryNotConfigured, DirectoryUnavailable } from './identity.errors';
import { uniquePeople, type Directory, type DirectoryGroup, type DirectoryGroupMembers, type DirectoryPerson } from './directory';
import { discoveryDocumentUrl } from './issuer';

/** One page of a group's members; also the most members read beyond the invitation limit (2,000). */
const PAGE = 500;
const MEMBER_READ_LIMIT = 2001;

interface KeycloakUser {
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
}

interface KeycloakGroup {
  id: string;
  name: string;
  path?: string;
  subGroups?: KeycloakGroup[];
}

/**
 * People and groups of a Keycloak realm through its admin REST API, for inviting a whole group
 * (e.g. a class) to a meeting. Authenticates with the client-credentials grant of a client that has
 * a service account with the realm-management roles view-users and query-groups. A group is named
 * by its path without the leading slash (`classes/7b`), so nested groups with one name stay apart.
 */
@Injectable()
export class KeycloakDirectoryService implements Directory {
  private readonly logger = new Logger('KeycloakDirectory');
  private token: { value: string; until: number } | null = null;
  private tokenEndpoint: string | null = null;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.keycloakDirectory !== undefined;
  }

  async searchPeople(text: string, limit = 20): Promise<DirectoryPerson[]> {
    const users = await this.get<KeycloakUser[]>('/users', { search: text, max: String(limit * 2), briefRepresentation: 'true' });
    return uniquePeople(users.map(personOf).filter((person): person is DirectoryPerson => person !== null)).slice(0, limit);
  }

  async searchGroups(text: string, limit = 20): Promise<DirectoryGroup[]> {
    const tree = await this.get<KeycloakGroup[]>('/groups', { search: text, max: String(limit), briefRepresentation: 'true' });
    const needle = text.trim().toLowerCase();
    const matching = flatten(tree)
      .filter((group) => group.name.toLowerCase().includes(needle))
      .slice(0, limit);
    const groups: DirectoryGroup[] = [];
    for (const group of matching) groups.push({ name: nameOf(group), memberCount: (await this.members(group.id, MEMBER_READ_LIMIT)).length });
    return groups.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The members of the group with this name (its path without the leading slash, or its plain name when unique). */
  async groupMembers(name: string): Promise<DirectoryGroupMembers> {
    const wanted = name.trim().replace(/^\/+/, '');
    const last = wanted.split('/').pop() ?? wanted;
    const candidates = flatten(await this.get<KeycloakGroup[]>('/groups', { search: last, briefRepresentation: 'true' }));
    const byPath = candidates.filter((group) => nameOf(group).toLowerCase() === wanted.toLowerCase());
    const byName = candidates.filter((group) => group.name.toLowerCase() === wanted.toLowerCase());
    const group = byPath[0] ?? (byName.length === 1 ? byName[0] : undefined);
    if (!group) throw new DirectoryGroupNotFound(name);
    const users = await this.members(group.id, MEMBER_READ_LIMIT);
    const people = users.map(personOf);
    const withoutEmailNames = users
      .filter((user) => user.enabled !== false && !user.email)
      .map((user) => [user.firstName, user.lastName].filter(Boolean).join(' ').trim() || user.username || '?')
      .sort((a, b) => a.localeCompare(b));
    return {
      name: nameOf(group),
      members: uniquePeople(people.filter((person): person is DirectoryPerson => person !== null)),
      withoutEmail: withoutEmailNames.length,
      withoutEmailNames,
    };
  }

  private async members(groupId: string, limit: number): Promise<KeycloakUser[]> {
    const all: KeycloakUser[] = [];
    for (let first = 0; first < limit; first += PAGE) {
      const page = await this.get<KeycloakUser[]>(`/groups/${encodeURIComponent(groupId)}/members`, {
        first: String(first),
        max: String(Math.min(PAGE, limit - first)),
        briefRepresentation: 'true',
      });
      all.push(...page);
      if (page.length < Math.min(PAGE, limit - first)) break;
    }
    return all;
  }

  private async get<T>(path: string, query: Record<string, string>): Promise<T> {
    const settings = this.config.keycloakDirectory;
    if (!settings) throw new DirectoryNotConfigured();
    const url = `${settings.adminUrl}${path}?${new URLSearchParams(query).toString()}`;
    let response = await this.fetch(url, { headers: { authorization: `Bearer ${await this.accessToken()}`, accept: 'application/json' } });
    if (response.status === 401) {
      // The token may have been revoked or the realm keys rotated: one fresh token, one retry.
      this.token = null;
      response = await this.fetch(url, { headers: { authorization: `Bearer ${await this.accessToken()}`, accept: 'application/json' } });
    }
    if (response.status === 401 || response.status === 403) {
      throw new DirectoryMisconfigured(
        `Keycloak refused the service account (${response.status}): give it the realm-management roles view-users and query-groups`,
      );
    }
    if (!response.ok) throw new DirectoryUnavailable(`Keycloak answered ${response.status} for ${path}`);
    try {
      return (await response.json()) as T;
    } catch {
      throw new DirectoryUnavailable(`Keycloak sent no JSON for ${path}`);
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && performance.now() < this.token.until) return this.token.value;
    const settings = this.config.keycloakDirectory!;
    const endpoint = await this.discoverTokenEndpoint();
    const response = await this.fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: settings.clientId, client_secret: settings.clientSecret }).toString(),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || !body.access_token) {
      throw new DirectoryMisconfigured(
        `Keycloak refused the client credentials of ${settings.clientId} (${body.error ?? response.status}): check KEYCLOAK_ADMIN_CLIENT_ID/SECRET and that the client has a service account`,
      );
    }
    this.token = { value: body.access_token, until: performance.now() + Math.max(0, (body.expires_in ?? 60) - 30) * 1000 };
    return body.access_token;
  }

  private async discoverTokenEndpoint(): Promise<string> {
    if (this.tokenEndpoint) return this.tokenEndpoint;
    const discovery = this.config.oidc.discoveryUrl ?? discoveryDocumentUrl(this.config.oidc.issuer);
    const response = await this.fetch(discovery, { headers: { accept: 'application/json' } });
    const document = (await response.json().catch(() => ({}))) as { token_endpoint?: string };
    if (!response.ok || !document.token_endpoint) {
      this.logger.error(`no token endpoint in ${discovery}`);
      throw new DirectoryUnavailable('no token endpoint in the OpenID discovery document');
    }
    this.tokenEndpoint = document.token_endpoint;
    return document.token_endpoint;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      this.logger.warn({ err: error }, `Keycloak does not answer at ${new URL(url).origin}`);
      throw new DirectoryUnavailable('Keycloak does not answer');
    }
  }
}

function flatten(groups: KeycloakGroup[]): KeycloakGroup[] {
  return groups.flatMap((group) => [group, ...flatten(group.subGroups ?? [])]);
}

function nameOf(group: KeycloakGroup): string {
  return (group.path ?? `/${group.name}`).replace(/^\/+/, '');
}

function personOf(user: KeycloakUser): DirectoryPerson | null {
  if (user.enabled === false || !user.email) return null;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ').trim();
  return { name: name || user.username || user.email, email: user.email.toLowerCase() };
}
