import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { subjectFor, type DevIdpUser } from './users';

/** The realm name of the development IdP's Keycloak-shaped admin API. */
export const DEV_REALM = 'dev';

interface Group {
  id: string;
  name: string;
  path: string;
  subGroups: Group[];
}

const groupId = (path: string) => {
  const hex = createHash('sha256').update(path).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

function userView(user: DevIdpUser) {
  const name = user.name.trim();
  const space = name.indexOf(' ');
  return {
    id: subjectFor(user.email),
    username: user.email.toLowerCase(),
    email: user.email.toLowerCase(),
    emailVerified: user.emailVerified ?? true,
    firstName: space > 0 ? name.slice(0, space) : name,
    lastName: space > 0 ? name.slice(space + 1) : '',
    enabled: true,
  };
}

/**
 * A read-only subset of Keycloak's admin REST API over the development IdP's users and groups
 * (`GET /admin/realms/dev/users`, `/groups`, `/groups/{id}/members`), with Keycloak's shapes and
 * paging, so Moderato's Keycloak directory can be developed and tested without a Keycloak. Access
 * needs a client-credentials token of a client marked `serviceAccount`.
 */
export function createAdminApi(users: readonly DevIdpUser[]) {
  const byPath = new Map<string, Group>();
  const roots: Group[] = [];
  const members = new Map<string, DevIdpUser[]>();
  for (const user of users) {
    for (const raw of user.groups) {
      const parts = raw.replace(/^\/+/, '').split('/').filter(Boolean);
      let parent: Group | undefined;
      parts.forEach((name, index) => {
        const path = `/${parts.slice(0, index + 1).join('/')}`;
        let group = byPath.get(path);
        if (!group) {
          group = { id: groupId(path), name, path, subGroups: [] };
          byPath.set(path, group);
          (parent ? parent.subGroups : roots).push(group);
        }
        parent = group;
      });
      const leaf = `/${parts.join('/')}`;
      members.set(leaf, [...(members.get(leaf) ?? []), user]);
    }
  }
  const byId = new Map([...byPath.values()].map((group) => [group.id, group]));

  /** Keycloak's group search: the top-level groups with a matching group below, pruned to the matches. */
  function search(groups: Group[], text: string): Group[] {
    return groups.flatMap((group) => {
      const below = search(group.subGroups, text);
      if (group.name.toLowerCase().includes(text)) return [{ ...group, subGroups: below }];
      return below.length ? [{ ...group, subGroups: below }] : [];
    });
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(text);
  };

  /** Answers GET <prefix>/users|groups|groups/{id}/members; `authorized` says whether the bearer token may. */
  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string,
    query: URLSearchParams,
    authorized: () => Promise<'ok' | 401 | 403>,
  ): Promise<void> {
    const auth = await authorized();
    if (auth !== 'ok') return json(res, auth, { error: auth === 401 ? 'HTTP 401 Unauthorized' : 'HTTP 403 Forbidden' });
    if (req.method !== 'GET') return json(res, 405, { error: 'Method not allowed' });
    const first = Math.max(0, Number(query.get('first') ?? 0) || 0);
    const max = Math.max(0, Number(query.get('max') ?? 100) || 100);
    const page = <T>(items: T[]) => items.slice(first, first + max);
    const text = (query.get('search') ?? '').trim().toLowerCase();
    if (rest === '/users') {
      const found = users.filter((user) => !text || [user.email, user.name].some((value) => value.toLowerCase().includes(text)));
      return json(res, 200, page(found.map(userView)));
    }
    if (rest === '/groups') return json(res, 200, page(text ? search(roots, text) : roots));
    const membersOf = /^\/groups\/([0-9a-f-]{36})\/members$/.exec(rest);
    if (membersOf) {
      const group = byId.get(membersOf[1]);
      if (!group) return json(res, 404, { error: 'Could not find group by id' });
      return json(res, 200, page((members.get(group.path) ?? []).map(userView)));
    }
    return json(res, 404, { error: 'HTTP 404 Not Found' });
  };
}
