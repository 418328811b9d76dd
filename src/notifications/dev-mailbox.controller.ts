import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../core/auth/decorators';
import { ApiErrors } from '../core/http/api-errors';
import { Page, PageQuery } from '../core/http/paging';
import { DevMailbox, MailboxEntry, MailboxMessage } from './dev-mailbox';
import { MailboxMessageView, MailboxPage } from './dto/dev-mailbox.dto';

/** Mounted only while mail goes to the development mailbox (no SMTP_URL): nothing here reaches a real inbox. */
@ApiTags('dev mailbox')
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(private readonly mailbox: DevMailbox) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Mail caught by the development mailbox, newest first' })
  @ApiOkResponse({ type: MailboxPage })
  @ApiErrors(400)
  list(@Query() query: PageQuery): Promise<Page<MailboxEntry>> {
    return this.mailbox.list(query);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One caught mail with its text and HTML parts' })
  @ApiOkResponse({ type: MailboxMessageView })
  @ApiErrors(404)
  read(@Param('id') id: string): Promise<MailboxMessage> {
    return this.mailbox.read(id);
  }
}
