import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ERROR_STATUS } from '../errors/domain-error';
import { PROBLEM_CODES } from '../errors/problem-codes';

const ERROR_CODES = Object.keys(ERROR_STATUS);

export class FieldProblemResponse {
  @ApiProperty({ example: 'authors[0].birthDate', description: 'The input field, file column or header at fault' }) field: string;
  @ApiProperty({ enum: PROBLEM_CODES, enumName: 'ProblemCode', example: 'AUTHOR_TOO_OLD', description: 'Stable reason code: translate by it' }) code: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { index: 0, author: 'Lê Văn Tí', birthDate: '2000-01-01', bornFrom: '2001-07-31', bornTo: '2014-07-31' } })
  params: Record<string, unknown>;
  @ApiProperty({ example: 'Lê Văn Tí: sinh ngày 01/01/2000, ngoài khoảng được dự thi 31/07/2001 – 31/07/2014', description: 'The reason in the language Accept-Language prefers' })
  reason: string;
  @ApiPropertyOptional({ type: 'integer', example: 3, description: 'Row of an uploaded file (1 is the header)' }) row?: number;
}

@ApiExtraModels(FieldProblemResponse)
export class ErrorResponse {
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', example: 'VALIDATION_FAILED', description: 'What kind of error; one HTTP status each' }) code: string;
  @ApiProperty({ enum: PROBLEM_CODES, enumName: 'ProblemCode', example: 'INVALID_REQUEST', description: 'Stable reason code of the whole error: translate by it and `params`' }) reason: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { fields: ['title'] } }) params: Record<string, unknown>;
  @ApiProperty({ example: 'Yêu cầu không hợp lệ: title', description: 'Vietnamese by default, English when Accept-Language prefers en' }) message: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Always present ({} when there is nothing more); `problems` lists field problems, STALE_VERSION gives `expected` and `actual`',
    example: { problems: [{ field: 'title', code: 'FIELD_REQUIRED', params: {}, reason: 'là bắt buộc' }] },
  })
  details: { problems?: FieldProblemResponse[]; omitted?: number; [key: string]: unknown };
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: details.problems names every bad field',
  401: 'Not logged in, or the token expired',
  403: 'Your role may not call this route',
  404: 'Not found, or outside your scope',
  409: 'Conflicts with the current state (duplicate, stale version, request in progress)',
  413: 'The upload is too large',
  415: 'The file type is not accepted',
  422: 'Breaks a contest rule, or an Idempotency-Key reused with another body',
  429: 'Too many attempts; Retry-After says when to try again',
  503: 'Busy (SERVER_BUSY) or the database is not answering; Retry-After says when to try again',
};

/** Documents the error answers of a route, all in the one error shape. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(...[401, ...statuses].map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponse })));
}
