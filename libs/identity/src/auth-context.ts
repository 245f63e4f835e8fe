import type { ApiTokenScope } from './api-token.entity';
import type { Role } from './role-mapping';
import type { Session } from './session.entity';
import type { User } from './user.entity';

export interface AuthContext {
  user: User;
  /** The browser session; null when the request came with an API token. */
  session: Session | null;
  roles: Role[];
  /** Set when the request authenticated with `Authorization: Bearer <API token>`. */
  apiToken: { id: string; scopes: ApiTokenScope[] } | null;
}

export type AuthFailure = 'unknown' | 'revoked' | 'idle' | 'expired' | 'disabled';
export type TokenFailure = 'unknown' | 'revoked' | 'expired' | 'disabled';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by SessionMiddleware when the request carries a live session or API token. */
    auth?: AuthContext;
    /** Why a session cookie that came with the request was not accepted. */
    authFailure?: AuthFailure;
    /** Why an API token that came with the request was not accepted. */
    tokenFailure?: TokenFailure;
  }
}
