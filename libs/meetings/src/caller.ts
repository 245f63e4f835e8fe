import type { User } from '@moderato/identity';

/** Who is asking: the signed-in user and their effective roles. */
export interface Caller {
  user: User;
  roles: string[];
  ip?: string | null;
}
