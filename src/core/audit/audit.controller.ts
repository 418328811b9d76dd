import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Actor } from '../auth/actor';
import { CurrentActor, Requires } from '../auth/decorators';
import { Permission } from '../access/policy';
import { ApiErrors } from '../http/api-errors';
import { Page, PageDto, PageQuery } from '../http/paging';
import { AuditService } from './audit.service';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'entry', maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) entityType?: string;
  // An entity id is a uuid or, for failed logins, the e-mail tried.
  @ApiPropertyOptional({ maxLength: 254 }) @IsOptional() @IsString() @MaxLength(254) entityId?: string;
  @ApiPropertyOptional({ example: 'entry.register', maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) action?: string;
}

export class AuditRecordDto {
  @ApiProperty() id: string;
  @ApiProperty() at: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'E-mail of the account that acted; null for the system or a failed login' }) actorEmail: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Full name of the account that acted' }) actorName: string | null;
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
  @ApiOperation({ summary: 'Read the audit trail in your scope' })
  @Requires(Permission.AuditRead)
  @ApiOkResponse({ type: PageDto(AuditRecordDto), description: 'Audit trail of changes in your scope, newest first' })
  @ApiErrors(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: AuditQuery): Promise<Page<AuditRecordDto>> {
    return this.audit.list(actor, query);
  }
}
