import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { Actor } from '../auth/actor';
import { Allow, CurrentActor } from '../auth/decorators';
import { ApiErrors } from '../http/api-errors';
import { Page, PageDto, PageQuery } from '../http/paging';
import { AuditService } from './audit.service';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'entry' }) @IsOptional() @IsString() entityType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() entityId?: string;
  @ApiPropertyOptional({ example: 'entry.register' }) @IsOptional() @IsString() action?: string;
}

export class AuditRecordDto {
  @ApiProperty() id: string;
  @ApiProperty() at: Date;
  @ApiProperty({ nullable: true }) actorId: string | null;
  @ApiProperty() action: string;
  @ApiProperty() entityType: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ nullable: true }) before: unknown;
  @ApiProperty({ nullable: true }) after: unknown;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Allow('organiser')
  @ApiOkResponse({ type: PageDto(AuditRecordDto), description: 'Audit trail of changes in your scope, newest first' })
  @ApiErrors(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: AuditQuery): Promise<Page<AuditRecordDto>> {
    return this.audit.list(actor, query);
  }
}
