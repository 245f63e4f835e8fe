import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@moderato/audit';
import { AuthGuard } from './auth.guard';
import { LdapService } from './ldap/ldap.service';
import { OidcService } from './oidc.service';
import { Session } from './session.entity';
import { SessionMiddleware } from './session.middleware';
import { SessionsService } from './sessions.service';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, Session]), AuditModule],
  providers: [UsersService, SessionsService, OidcService, SessionMiddleware, AuthGuard, LdapService],
  exports: [UsersService, SessionsService, OidcService, SessionMiddleware, AuthGuard, AuditModule, LdapService],
})
export class IdentityModule {}
