import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAIL_LANGUAGES, type MailLanguage } from '../../core/outbox/mail-catalogue';
import type { DeliveryStatus } from '../mail-delivery.entity';

const STATUSES: DeliveryStatus[] = ['pending', 'sent', 'failed'];

export class PreviewQuery {
  @ApiPropertyOptional({ enum: MAIL_LANGUAGES, default: 'vi' }) @IsOptional() @IsIn(MAIL_LANGUAGES) lang: MailLanguage = 'vi';
}

export class MailPreview {
  @ApiProperty() subject: string;
  @ApiProperty() html: string;
  @ApiProperty() text: string;
}

export class DeliveryListQuery {
  @ApiPropertyOptional({ enum: STATUSES, default: 'failed' }) @IsOptional() @IsIn(STATUSES) status: DeliveryStatus = 'failed';
  @ApiPropertyOptional({ format: 'uuid', description: 'The `next` of the previous page' }) @IsOptional() @IsUUID() after?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit: number = 50;
}

export class DeliveryView {
  @ApiProperty() id: string;
  @ApiProperty() eventKey: string;
  @ApiProperty() recipient: string;
  @ApiProperty() kind: string;
  @ApiProperty({ enum: STATUSES }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'What the SMTP server (or the renderer) answered last' }) lastError: string | null;
  @ApiProperty({ nullable: true, type: String }) sentAt: Date | null;
  @ApiProperty() updatedAt: Date;
}

export class DeliveryPage {
  @ApiProperty({ type: [DeliveryView] }) items: DeliveryView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `after` for the next page; null on the last one' }) next: string | null;
}
