/**
 * A mail that no retry can deliver (unknown template, malformed payload, data the template cannot render):
 * the job fails at once and the reason is kept on the outbox row.
 */
export class UndeliverableMailError extends Error {
  override name = 'UndeliverableMailError';
}

export class UnknownTemplateError extends UndeliverableMailError {
  override name = 'UnknownTemplateError';
  constructor(
    readonly template: string,
    detail?: string,
  ) {
    super(`Unknown mail template "${template}"${detail ? `: ${detail}` : ''}`);
  }
}
