import { Body, Controller, Delete, Get, HttpCode, Ip, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { Allow, CurrentActor, Public, SignedIn } from '../core/auth/decorators';
import { ApiErrors } from '../core/http/api-errors';
import { AccountsService } from './accounts.service';
import { ChangePasswordDto, CreateUserDto, GrantDto, LoginDto, TokenDto, UpdateUserDto, UserView } from './dto/account.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto, description: 'A short-lived bearer token' })
  @ApiErrors(400, 429)
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenDto> {
    return this.accounts.login(dto, ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @SignedIn()
  @ApiOkResponse({ type: UserView })
  @ApiErrors()
  me(@CurrentActor() actor: Actor): Promise<UserView> {
    return this.accounts.me(actor);
  }

  @Post('password')
  @ApiBearerAuth()
  @SignedIn()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password changed; every token issued before, this one included, stops working' })
  @ApiErrors(400, 422)
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.accounts.changePassword(actor, dto);
  }

  @Post('logout')
  @ApiBearerAuth()
  @SignedIn()
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
  @Allow('admin')
  @ApiOkResponse({ type: [UserView] })
  @ApiErrors(403)
  list(@CurrentActor() actor: Actor): Promise<UserView[]> {
    return this.accounts.listUsers(actor);
  }

  @Post()
  @Allow('admin')
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(400, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.accounts.createUser(actor, dto);
  }

  @Patch(':id')
  @Allow('admin')
  @ApiOkResponse({ type: UserView, description: 'Deactivating or reactivating revokes the tokens the user held' })
  @ApiErrors(400, 403, 404, 422)
  update(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.accounts.updateUser(actor, id, dto);
  }

  @Post(':id/grants')
  @Allow('admin')
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(400, 403, 404, 409, 422)
  grant(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: GrantDto): Promise<UserView> {
    return this.accounts.grant(actor, id, dto);
  }

  @Delete(':id/grants/:grantId')
  @Allow('admin')
  @ApiOkResponse({ type: UserView })
  @ApiErrors(403, 404, 422)
  revoke(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('grantId', ParseUUIDPipe) grantId: string): Promise<UserView> {
    return this.accounts.revoke(actor, id, grantId);
  }
}
