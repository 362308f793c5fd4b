import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccessModule } from './access/access.module.js';
import { AppController } from './app.controller.js';
import { LifecycleModule } from './common/lifecycle/lifecycle.module.js';
import { ProblemDetailsFilter } from './common/filters/problem-details.filter.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { appConfig } from './config/app.config.js';
import { concurrencyConfig } from './config/concurrency.config.js';
import { accessConfig } from './config/access.config.js';
import { CacheModule } from './cache/cache.module.js';
import { EmbedsModule } from './embeds/embeds.module.js';
import { PreviewsModule } from './previews/previews.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PlaygroundModule } from './playground/playground.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, concurrencyConfig, accessConfig] }),
    LoggingModule,
    LifecycleModule,
    CacheModule,
    AccessModule,
    PreviewsModule,
    EmbedsModule,
    HealthModule,
    MetricsModule,
    PlaygroundModule,
  ],
  controllers: [AppController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class AppModule {}
