import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ROLES, type Role } from '../../core/auth/actor';
import { CleanEmail, CleanText, NoInvisibleCharacters } from '../../core/validation';
import { PageQuery } from '../../core/http/paging';

export class LoginDto {
  @ApiProperty({ example: 'admin@demo.soctrang.vn' }) @CleanEmail() @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'demo-password' }) @IsString() @MaxLength(200) password: string;
}

export class TokenDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn: number;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(200) currentPassword: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) newPassword: string;
}

export class GrantDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role: Role;
  @ApiProperty({ format: 'uuid' }) @IsUUID() unitId: string;
}

export class PasswordResetRequestDto {
  @ApiProperty() @CleanEmail() @IsEmail() @MaxLength(254) email: string;
}

export class PasswordResetAnswer {
  @ApiProperty({ example: 'Nếu địa chỉ này thuộc một tài khoản, thư hướng dẫn đặt lại mật khẩu đã được gửi.' }) message: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token of the link in the mail' }) @IsString() @MaxLength(200) token: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) newPassword: string;
}

const LANGUAGES = ['vi', 'en'] as const;

export class CreateUserDto {
  @ApiProperty() @CleanEmail() @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() fullName: string;
  @ApiPropertyOptional({ minLength: 10, description: 'Without one, the user sets it through the link of the account-created mail' })
  @IsOptional()
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password?: string;
  @ApiPropertyOptional({ enum: LANGUAGES, default: 'vi', description: 'The language of the mail the user receives' }) @IsOptional() @IsIn(LANGUAGES) language?: 'vi' | 'en';
  @ApiPropertyOptional({ type: () => GrantDto, description: 'The first role of the account, given with it; required when an organiser creates the account (at a unit of their area)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GrantDto)
  grant?: GrantDto;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() fullName?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ enum: LANGUAGES }) @IsOptional() @IsIn(LANGUAGES) language?: 'vi' | 'en';
}

export class GrantView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() unitId: string;
  @ApiProperty() unitCode: string;
  @ApiProperty() unitName: string;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ enum: LANGUAGES }) language: 'vi' | 'en';
  @ApiProperty({ type: [GrantView] }) grants: GrantView[];
}

export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'gk.ks', maxLength: 254, description: 'Only accounts whose e-mail contains this text (without case)' })
  @IsOptional()
  @CleanEmail()
  @IsString()
  @Length(1, 254)
  @NoInvisibleCharacters()
  email?: string;
}
