import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { DeliveryListQuery, DeliveryPage, DeliveryView, MailPreview, PreviewQuery } from './dto/mail-admin.dto';
import { MailAdminService } from './mail-admin.service';

@ApiTags('mail')
@ApiBearerAuth()
@Controller('admin')
export class MailAdminController {
  constructor(private readonly mail: MailAdminService) {}

  @Get('mail-templates/:kind/preview')
  @Requires(Permission.MailAdmin)
  @ApiOperation({ summary: 'A mail template rendered with sample data, in Vietnamese or English' })
  @ApiOkResponse({ type: MailPreview })
  @ApiErrors(400, 403, 404)
  preview(@CurrentActor() actor: Actor, @Param('kind') kind: string, @Query() query: PreviewQuery): MailPreview {
    return this.mail.preview(actor, kind, query.lang);
  }

  @Get('deliveries')
  @Requires(Permission.MailAdmin)
  @ApiOperation({ summary: 'Mail deliveries by status (failed by default), with the last error' })
  @ApiOkResponse({ type: DeliveryPage })
  @ApiErrors(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: DeliveryListQuery): Promise<DeliveryPage> {
    return this.mail.list(actor, query);
  }

  @Post('deliveries/:id/requeue')
  @Requires(Permission.MailAdmin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Sends a failed mail again' })
  @ApiOkResponse({ type: DeliveryView })
  @ApiErrors(403, 404, 422)
  requeue(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<DeliveryView> {
    return this.mail.requeue(actor, id);
  }
}
