import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { AppConfig, ConfigModule } from '@moderato/config';
import { type Clock, CoreModule } from '@moderato/core';
import { DatabaseModule } from '@moderato/database';
import { HealthModule } from '@moderato/health';
import { AuthGuard, IdentityModule, SessionMiddleware } from '@moderato/identity';
import { LoggingModule } from '@moderato/logging';
import { SCHEMA } from '@moderato/schema';
import { CsrfMiddleware, ProblemFilter, RateLimitMiddleware, WebContextMiddleware, createValidationPipe } from '@moderato/web';
import { AccountFeatureModule } from './account/account-feature.module';
import { AdminFeatureModule } from './admin/admin-feature.module';
import { AsapFeatureModule } from './asap/asap-feature.module';
import { AuthFeatureModule } from './auth/auth-feature.module';
import { MeetingsFeatureModule } from './meetings/meetings-feature.module';
import { MetricsFeatureModule } from './metrics/metrics-feature.module';
import { PagesFeatureModule } from './pages/pages-feature.module';
import { PresenceFeatureModule } from './presence/presence-feature.module';
import { RoomsFeatureModule } from './rooms/rooms-feature.module';

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
        // Features, each with its controllers. Meetings first, before even the health checks:
        // its personal-link route is the first Express tries (BENCHMARKS.md, join storm).
        MeetingsFeatureModule,
        HealthModule,
        IdentityModule, // the auth guard and the session middleware
        PagesFeatureModule,
        AuthFeatureModule,
        AccountFeatureModule,
        AsapFeatureModule,
        AdminFeatureModule,
        RoomsFeatureModule,
        // Jitsi's presence events, attendance, who is in the room now: after the pages, the join route stays first.
        PresenceFeatureModule,
        MetricsFeatureModule, // GET /metrics, and every request's duration
      ],
      // Tests' extra controllers (provoking errors); the features' controllers are in their modules.
      controllers: options.extraControllers ?? [],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // In this order: the rate limit counts signed-in people per session, so it needs the session.
    consumer.apply(WebContextMiddleware, SessionMiddleware).forRoutes('{*path}');
    consumer.apply(RateLimitMiddleware).forRoutes('j/{*path}', 'auth/{*path}', 'calendar/{*path}');
    // Jitsi's presence events carry a server's bearer secret and no cookie: no CSRF token to check.
    consumer.apply(CsrfMiddleware).exclude({ path: 'jitsi/{*path}', method: RequestMethod.POST }).forRoutes('{*path}');
  }
}
