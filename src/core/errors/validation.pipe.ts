import { ArgumentMetadata, ValidationError as ClassValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { FieldProblem, ValidationError } from './domain-error';

function flatten(errors: ClassValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function invalid(problems: FieldProblem[]): ValidationError {
  return new ValidationError(`Invalid request: ${problems.map((p) => p.field).join(', ')}`, problems);
}

/** The properties a DTO class declares (with any validation decorator, its parents' included). */
function declaredProperties(metatype: Function): Set<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).map((m) => m.propertyName));
}

/**
 * The global pipe: unknown fields are refused and every bad field is named. Unknown top-level keys are
 * taken out before class-transformer copies the object, whose cost grows faster than the number of keys.
 */
class InputValidationPipe extends ValidationPipe {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    const declared = (metadata.type === 'body' || metadata.type === 'query') && metatype ? declaredProperties(metatype) : new Set<string>();
    if (declared.size === 0 || value === undefined) return super.transform(value, metadata);
    // A DTO is filled from an object only: `null`, `[]` or `"text"` would otherwise pass as an empty one.
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid([{ field: metadata.type, reason: `must be a JSON object` }]);
    const known: Record<string, unknown> = {};
    const unknown: FieldProblem[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (declared.has(key)) known[key] = item;
      else unknown.push({ field: key, reason: `property ${key} should not exist` });
    }
    if (unknown.length === 0) return super.transform(value, metadata);
    try {
      await super.transform(known, metadata);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw invalid([...unknown, ...(error.details as { problems: FieldProblem[] }).problems]);
    }
    throw invalid(unknown);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => invalid(flatten(errors)),
  });
}
