import { Body, Controller, Delete, Get, HttpCode, Ip, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Public, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { Page, PageDto } from '../core/http/paging';
import { AccountsService } from './accounts.service';
import {
  ChangePasswordDto,
  CreateUserDto,
  GrantDto,
  LoginDto,
  PasswordResetAnswer,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  TokenDto,
  UpdateUserDto,
  UserListQuery,
  UserView,
} from './dto/account.dto';
import { PasswordLinksService } from './password-links.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly passwordLinks: PasswordLinksService,
  ) {}

  @Post('login')
  @ApiOperation({ summary: 'Log in with e-mail and password' })
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto, description: 'A short-lived bearer token' })
  @ApiErrors(400, 429)
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenDto> {
    return this.accounts.login(dto, ip);
  }

  @Post('password-reset')
  @ApiOperation({ summary: 'Ask for a password reset link by e-mail' })
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PasswordResetAnswer, description: 'The same answer whether or not an account uses the address' })
  @ApiErrors(400, 429)
  async requestPasswordReset(@Body() dto: PasswordResetRequestDto, @Ip() ip: string): Promise<PasswordResetAnswer> {
    await this.passwordLinks.requestReset(dto.email, ip);
    return { message: 'Nếu địa chỉ này thuộc một tài khoản, thư hướng dẫn đặt lại mật khẩu đã được gửi.' };
  }

  @Post('password-reset/confirm')
  @ApiOperation({ summary: "Set a new password with the link's token" })
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password set; the link and every token issued before stop working' })
  @ApiErrors(400, 422)
  confirmPasswordReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    return this.passwordLinks.confirm(dto);
  }

  @Get('me')
  @ApiOperation({ summary: 'Show your own account and roles' })
  @ApiBearerAuth()
  @Requires(Permission.AccountSelf)
  @ApiOkResponse({ type: UserView })
  @ApiErrors()
  me(@CurrentActor() actor: Actor): Promise<UserView> {
    return this.accounts.me(actor);
  }

  @Post('password')
  @ApiOperation({ summary: 'Change your password' })
  @ApiBearerAuth()
  @Requires(Permission.AccountSelf)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password changed; every token issued before, this one included, stops working' })
  @ApiErrors(400, 422)
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.accounts.changePassword(actor, dto);
  }

  @Post('logout')
  @ApiOperation({ summary: 'Log out everywhere (revoke your tokens)' })
  @ApiBearerAuth()
  @Requires(Permission.AccountSelf)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every token of the account, on every device, stops working' })
  @ApiErrors()
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.accounts.logout(actor);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @Requires(Permission.UserManage)
  @ApiOperation({
    summary: 'Accounts you manage, by e-mail',
    description: 'An administrator sees every account; an organiser the accounts whose every grant lies in their area. `email` narrows the list to the addresses containing it.',
  })
  @ApiOkResponse({ type: PageDto(UserView) })
  @ApiErrors(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: UserListQuery): Promise<Page<UserView>> {
    return this.accounts.listUsers(actor, query);
  }

  @Post()
  @Requires(Permission.UserManage)
  @ApiOperation({ summary: 'Create an account', description: 'An organiser creates accounts (judges, schools…) with their first grant at a unit of their area, and never an administrator.' })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(400, 403, 404, 409, 422)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.accounts.createUser(actor, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change or deactivate an account' })
  @Requires(Permission.UserManage)
  @ApiOkResponse({ type: UserView, description: 'Deactivating or reactivating revokes the tokens the user held' })
  @ApiErrors(400, 403, 404, 422)
  update(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.accounts.updateUser(actor, id, dto);
  }

  @Post(':id/grants')
  @ApiOperation({ summary: 'Grant a role at a unit' })
  @Requires(Permission.UserManage)
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(400, 403, 404, 409, 422)
  grant(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: GrantDto): Promise<UserView> {
    return this.accounts.grant(actor, id, dto);
  }

  @Delete(':id/grants/:grantId')
  @ApiOperation({ summary: 'Revoke a role' })
  @Requires(Permission.UserManage)
  @ApiOkResponse({ type: UserView })
  @ApiErrors(403, 404, 422)
  revoke(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('grantId', ParseUUIDPipe) grantId: string): Promise<UserView> {
    return this.accounts.revoke(actor, id, grantId);
  }
}
