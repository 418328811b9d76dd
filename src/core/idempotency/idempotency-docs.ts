import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The idempotency interceptor works on every POST a signed-in user sends (see IdempotencyInterceptor), so the
 * header is documented on exactly those operations: the POSTs that require the bearer token.
 */
export function documentIdempotencyKey(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    const operation = item.post;
    if (!operation?.security?.some((requirement) => 'bearer' in requirement)) continue;
    if (operation.parameters?.some((parameter) => 'name' in parameter && parameter.name.toLowerCase() === 'idempotency-key')) continue;
    operation.parameters = [
      ...(operation.parameters ?? []),
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', maxLength: 200 },
        description: 'Sent again with the same body, the request runs once and the first answer is replayed (Idempotent-Replay: true); reused with another body it is refused with 422.',
      },
    ];
  }
}
