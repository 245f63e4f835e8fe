import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, loadConfig, readProcessEnvironment } from './app-config';

@Global()
@Module({})
export class ConfigModule {
  /**
   * Validates the environment once, at boot. Pass `config` (tests) or `env` to avoid reading
   * the process environment.
   */
  static forRoot(options: { config?: AppConfig; env?: Record<string, string | undefined> } = {}): DynamicModule {
    const config = options.config ?? loadConfig(options.env ?? readProcessEnvironment());
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
