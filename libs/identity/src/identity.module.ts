import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@moderato/audit';
import { PolicyModule } from '@moderato/policy';
import { ApiToken } from './api-token.entity';
import { ApiTokensService } from './api-tokens.service';
import { ApiTokensStore } from './api-tokens.store';
import { AuthGuard } from './auth.guard';
import { CalendarFeed } from './calendar-feed.entity';
import { CalendarFeedsService } from './calendar-feeds.service';
import { CalendarFeedsStore } from './calendar-feeds.store';
import { DirectoryService } from './directory.service';
import { KeycloakDirectoryService } from './keycloak-directory.service';
import { LdapConnection } from './ldap/ldap-connection';
import { LdapDirectoryService } from './ldap/ldap-directory.service';
import { LdapService } from './ldap/ldap.service';
import { OidcService } from './oidc.service';
import { PersonRecordsService } from './person-records.service';
import { RoleGrant } from './role-grant.entity';
import { Session } from './session.entity';
import { SessionMiddleware } from './session.middleware';
import { SessionsService } from './sessions.service';
import { SessionsStore } from './sessions.store';
import { SignInService } from './sign-in.service';
import { User } from './user.entity';
import { UsersService } from './users.service';
import { UsersStore } from './users.store';

@Module({
  imports: [TypeOrmModule.forFeature([User, Session, ApiToken, RoleGrant, CalendarFeed]), AuditModule, PolicyModule],
  providers: [
    UsersStore,
    SessionsStore,
    ApiTokensStore,
    UsersService,
    SessionsService,
    OidcService,
    SignInService,
    SessionMiddleware,
    AuthGuard,
    ApiTokensService,
    LdapConnection,
    LdapService,
    LdapDirectoryService,
    KeycloakDirectoryService,
    DirectoryService,
    PersonRecordsService,
    CalendarFeedsStore,
    CalendarFeedsService,
  ],
  exports: [
    CalendarFeedsService,
    PersonRecordsService,
    UsersService,
    SessionsService,
    OidcService,
    SignInService,
    SessionMiddleware,
    AuthGuard,
    ApiTokensService,
    AuditModule,
    PolicyModule,
    LdapService,
    LdapDirectoryService,
    KeycloakDirectoryService,
    DirectoryService,
  ],
})
export class IdentityModule {}
