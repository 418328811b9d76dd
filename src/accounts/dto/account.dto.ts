import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../../core/auth/actor';
import { CleanEmail, CleanText, NoInvisibleCharacters } from '../../core/validation';

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

export class CreateUserDto {
  @ApiProperty() @CleanEmail() @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Nguyễn Văn An' }) @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() fullName: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) password: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() fullName?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class GrantDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role: Role;
  @ApiProperty({ format: 'uuid' }) @IsUUID() unitId: string;
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
  @ApiProperty({ type: [GrantView] }) grants: GrantView[];
}
