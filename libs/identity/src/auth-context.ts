import type { Role } from './role-mapping';
import type { Session } from './session.entity';
import type { User } from './user.entity';

export interface AuthContext {
  user: User;
  session: Session;
  roles: Role[];
}

export type AuthFailure = 'unknown' | 'revoked' | 'idle' | 'expired' | 'disabled';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by SessionMiddleware when the request carries a live session. */
    auth?: AuthContext;
    /** Why a session cookie that came with the request was not accepted. */
    authFailure?: AuthFailure;
  }
}
