import { DynamicModule, Module } from '@nestjs/common';

@Module({})
export class NotificationsModule {
  static forRoot(options: { api: boolean; workers: boolean }): DynamicModule {
    void options;
    return { module: NotificationsModule };
  }
}
