export { User, type RoleOverride, type RoleOverrides } from './user.entity';
export { Session } from './session.entity';
