import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'moderato:public';

/**
 * Marks a route (or controller) as reachable without signing in. Everything else requires a
 * session: least privilege by default.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
