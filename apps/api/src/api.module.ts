import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { AppConfig, ConfigModule } from '@moderato/config';
import { type Clock, CoreModule } from '@moderato/core';
import { DatabaseModule } from '@moderato/database';
import { HealthModule } from '@moderato/health';
import { AuthGuard, IdentityModule, SessionMiddleware } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { WorkerHeartbeatsModule } from '@moderato/jobs';
import { MeetingsModule } from '@moderato/meetings';
import { LoggingModule } from '@moderato/logging';
import { SCHEMA } from '@moderato/schema';
import { CsrfMiddleware, ProblemFilter, RateLimitMiddleware, WebContextMiddleware, createValidationPipe } from '@moderato/web';
import { ApiTokensController } from './account/api-tokens.controller';
import { ApiTokensPageController } from './account/api-tokens.page.controller';
import { SessionsPageController } from './account/sessions.page.controller';
import { AdminController } from './admin/admin.controller';
import { AdminPageController } from './admin/admin.page.controller';
import { AuditPageController } from './admin/audit.page.controller';
import { PolicyPageController } from './admin/policy.page.controller';
import { ServersController } from './admin/servers.controller';
import { ServersPageController } from './admin/servers.page.controller';
import { TokenInspector } from './admin/token-inspector';
import { TokensController } from './admin/tokens.controller';
import { InteropController } from './admin/interop.controller';
import { InteropPageController } from './admin/interop.page.controller';
import { AsapController } from './asap/asap.controller';
import { DirectoryController, MeetingsController } from './meetings/meetings.controller';
import { GroupInvitations } from './meetings/group-invitations';
import { MeetingsPageController } from './meetings/meetings.page.controller';
import { JoinPageController } from './meetings/join.page.controller';
import { InvitationsPageController } from './meetings/invitations.page.controller';
import { AuthPageController } from './auth/auth.page.controller';
import { MeController } from './auth/me.controller';
import { HomePageController } from './pages/home.page.controller';
import { PreferencesPageController } from './pages/preferences.page.controller';
import { RoomsModule } from '@moderato/rooms';
import { RoomsController } from './admin/rooms.controller';
import { RoomsPageController } from './admin/rooms.page.controller';
import { RoomDoorPageController } from './rooms/room-door.page.controller';

export interface ApiModuleOptions {
  /** Already validated configuration; read from the environment when omitted. */
  config?: AppConfig;
  /** Where log lines go (stdout when omitted). */
  logDestination?: DestinationStream;
  /** The clock (tests pass a FixedClock to move time). */
  clock?: Clock;
  /** Extra controllers (tests use this to provoke errors). */
  extraControllers?: Type[];
}

@Module({})
export class ApiModule implements NestModule {
  static forRoot(options: ApiModuleOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot({ config: options.config }),
        CoreModule.forRoot({ clock: options.clock }),
        LoggingModule.forRoot({ destination: options.logDestination }),
        DatabaseModule.forRoot(SCHEMA, { migrate: true }),
        HealthModule,
        IdentityModule,
        JitsiModule,
        MeetingsModule,
        RoomsModule,
        WorkerHeartbeatsModule,
      ],
      controllers: [
        // Express tries routes in the order they were registered: the personal link, the
        // busiest route at 8 o'clock, comes first (BENCHMARKS.md, join storm).
        JoinPageController,
        HomePageController,
        PreferencesPageController,
        AuthPageController,
        MeController,
        SessionsPageController,
        AsapController,
        ServersController,
        ServersPageController,
        TokensController,
        MeetingsController,
        MeetingsPageController,
        InvitationsPageController,
        AdminController,
        AdminPageController,
        PolicyPageController,
        AuditPageController,
        ApiTokensController,
        ApiTokensPageController,
        InteropController,
        InteropPageController,
        RoomsController,
        RoomsPageController,
        RoomDoorPageController,
        DirectoryController,
        ...(options.extraControllers ?? []),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        TokenInspector,
        GroupInvitations,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // In this order: the rate limit counts signed-in people per session, so it needs the session.
    consumer.apply(WebContextMiddleware, SessionMiddleware).forRoutes('{*path}');
    consumer.apply(RateLimitMiddleware).forRoutes('j/{*path}', 'auth/{*path}');
    consumer.apply(CsrfMiddleware).forRoutes('{*path}');
  }
}
