import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

export class ErrorResponse {
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code: string;
  @ApiProperty({ example: 'Invalid request: title' }) message: string;
  @ApiProperty({ required: false, example: { problems: [{ field: 'title', reason: 'title should not be empty' }] } }) details?: unknown;
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
  429: 'Too many attempts',
};

/** Documents the error answers of a route, all in the one error shape. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(...[401, ...statuses].map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponse })));
}
