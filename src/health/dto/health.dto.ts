import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProbeView {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiPropertyOptional({ description: 'Why it is down' }) message?: string;
  @ApiPropertyOptional({ description: 'What a dependency that is down takes away while the app keeps serving' }) impact?: string;
}

export class HealthDetailsView {
  @ApiProperty({ type: ProbeView }) database: ProbeView;
  @ApiProperty({ type: ProbeView }) redis: ProbeView;
}

export class HealthView {
  @ApiProperty({ enum: ['ok', 'degraded'], description: '`degraded` while Redis is down' }) status: 'ok' | 'degraded';
  @ApiProperty({ type: HealthDetailsView }) details: HealthDetailsView;
}
