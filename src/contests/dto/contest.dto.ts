import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../core/http/paging';
import { CleanText, NoInvisibleCharacters } from '../../core/validation';
import type { ContestKind } from '../edition.types';

export const CONTEST_KINDS: ContestKind[] = ['youth', 'technical'];

export class CreateContestDto {
  @ApiProperty({ enum: CONTEST_KINDS, description: 'youth: Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng; technical: Hội thi Sáng tạo Kỹ thuật' })
  @IsIn(CONTEST_KINDS)
  kind: ContestKind;

  @ApiProperty({ example: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng' }) @CleanText() @IsString() @Length(1, 300) @NoInvisibleCharacters() name: string;

  @ApiProperty({ format: 'uuid', description: 'The unit that runs the contest: one you organise (or any unit for administrators)' })
  @IsUUID()
  unitId: string;
}

export class ContestListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CONTEST_KINDS }) @IsOptional() @IsIn(CONTEST_KINDS) kind?: ContestKind;
}

export class ContestView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CONTEST_KINDS }) kind: ContestKind;
  @ApiProperty({ example: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng' }) name: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty({ example: 'ST' }) unitCode: string;
  @ApiProperty({ example: 'Sóc Trăng' }) unitName: string;
  @ApiProperty() createdAt: Date;
}
