import { Controller, Get, Inject, Param, Query, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { Page, PageQuery } from '../core/http/paging';
import { DevMailbox, MailboxEntry, MailboxMessage } from './dev-mailbox';
import { DevMailboxAccess } from './dev-mailbox-access';
import { MailboxMessageView, MailboxPage } from './dto/dev-mailbox.dto';

/** Mounted only while mail goes to the development mailbox (no SMTP_URL): nothing here reaches a real inbox. */
abstract class DevMailboxRoutes {
  constructor(@Inject(DevMailbox) private readonly mailbox: DevMailbox) {}

  @Get()
  @ApiOperation({ summary: 'Mail caught by the development mailbox, newest first' })
  @ApiOkResponse({ type: MailboxPage })
  @ApiErrors(400)
  list(@Query() query: PageQuery): Promise<Page<MailboxEntry>> {
    return this.mailbox.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One caught mail with its text and HTML parts' })
  @ApiOkResponse({ type: MailboxMessageView })
  @ApiErrors(404)
  read(@Param('id') id: string): Promise<MailboxMessage> {
    return this.mailbox.read(id);
  }
}

/** The app listens on a loopback address: only this machine reaches it, and a newcomer reads mail without logging in. */
@ApiTags('dev mailbox')
@Controller('dev/mailbox')
@Public()
export class AnonymousDevMailboxController extends DevMailboxRoutes {}

/** The app listens where others reach it: the caught mail is for administrators. */
@ApiTags('dev mailbox')
@ApiBearerAuth()
@ApiErrors(403)
@Controller('dev/mailbox')
@Requires(Permission.DevMailboxRead)
export class AdminDevMailboxController extends DevMailboxRoutes {}

export function devMailboxController(access: DevMailboxAccess): Type<DevMailboxRoutes> {
  return access === 'anonymous' ? AnonymousDevMailboxController : AdminDevMailboxController;
}
