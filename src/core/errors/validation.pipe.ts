import { ArgumentMetadata, ValidationError as ClassValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, MetadataStorage } from 'class-validator';
import { FieldProblem, invalidRequest, problem, ValidationError } from './domain-error';
import { invisibleCharacter } from '../text';
import { isProblemCode, ProblemCode } from './problem-codes';

/** class-validator's constraint names and the catalogue reason each stands for, with its parameters from the decorator's arguments. */
const CONSTRAINT_REASONS: Record<string, (args: unknown[]) => [ProblemCode, object]> = {
  isDefined: () => ['FIELD_REQUIRED', {}],
  isNotEmpty: () => ['FIELD_EMPTY', {}],
  isString: () => ['NOT_A_STRING', {}],
  isInt: () => ['NOT_AN_INTEGER', {}],
  isNumber: () => ['NOT_A_NUMBER', {}],
  isBoolean: () => ['NOT_A_BOOLEAN', {}],
  isArray: () => ['NOT_AN_ARRAY', {}],
  isObject: () => ['NOT_AN_OBJECT', {}],
  nestedValidation: () => ['NOT_AN_OBJECT', {}],
  isEmail: () => ['NOT_AN_EMAIL', {}],
  isUuid: () => ['NOT_A_UUID', {}],
  isIso8601: () => ['NOT_A_DATE_TIME', {}],
  isIn: ([allowed]) => ['NOT_ONE_OF', { allowed: (allowed as unknown[]).map(String) }],
  isLength: ([min, max]) => (max === undefined ? ['TOO_SHORT', { min }] : ['LENGTH_OUT_OF_RANGE', { min, max }]),
  maxLength: ([max]) => ['TOO_LONG', { max }],
  minLength: ([min]) => ['TOO_SHORT', { min }],
  max: ([max]) => ['TOO_LARGE', { max }],
  min: ([min]) => ['TOO_SMALL', { min }],
  arrayMaxSize: ([max]) => ['TOO_MANY_ITEMS', { max }],
  arrayMinSize: ([min]) => ['TOO_FEW_ITEMS', { min }],
  matches: ([pattern]) => ['PATTERN_MISMATCH', { pattern: String(pattern) }],
  whitelistValidation: () => ['UNKNOWN_PROPERTY', {}],
};

/**
 * class-validator looks a DTO's constraints up again on every check, walking every DTO class of the app for inherited
 * ones and filtering them all: most of what checking a small body costs (a judge's score save). Decorators only run
 * when a class is defined, so the answer for a class (and options) is remembered, and so is its grouping by
 * property, which the check reads and never changes; a constraint added later (a class defined after the first
 * check) forgets every answer.
 */
function rememberConstraintLookups(storage: MetadataStorage): void {
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const groupBy = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let answers = new Map<Function | string, Map<string, ReturnType<typeof lookUp>>>();
  let groupings = new WeakMap<object, ReturnType<typeof groupBy>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const options = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups ? JSON.stringify(groups) : ''}`;
    let byOptions = answers.get(target);
    if (!byOptions) answers.set(target, (byOptions = new Map()));
    let answer = byOptions.get(options);
    if (!answer) byOptions.set(options, (answer = lookUp(target, schema, always, strictGroups, groups)));
    return answer;
  };
  storage.groupByPropertyName = (metadatas) => {
    let grouped = groupings.get(metadatas);
    if (!grouped) groupings.set(metadatas, (grouped = groupBy(metadatas)));
    return grouped;
  };
  storage.addValidationMetadata = (metadata) => {
    answers = new Map();
    groupings = new WeakMap();
    add(metadata);
  };
}
rememberConstraintLookups(getMetadataStorage());

/** The arguments each constraint of a DTO property was declared with (`@MaxLength(200)` → [200]). */
function constraintArguments(target: object | undefined, property: string): Map<string, unknown[]> {
  if (!target) return new Map();
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return new Map(metadatas.filter((m) => m.propertyName === property && m.name).map((m) => [m.name!, m.constraints ?? []]));
}

/** One problem per broken constraint; a property that is absent altogether is only "required". */
function problemsOf(error: ClassValidationError, field: string): FieldProblem[] {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.length === 0) return [];
  if (error.value === undefined && !('whitelistValidation' in (error.constraints ?? {}))) return [problem(field, 'FIELD_REQUIRED', {})];
  const args = constraintArguments(error.target, error.property);
  return constraints.map(([name]) => {
    const declared = (error.contexts?.[name] as { code?: unknown } | undefined)?.code;
    if (isProblemCode(declared)) return problem(field, declared, {} as never);
    if (name === 'whitelistValidation') return problem(field, 'UNKNOWN_PROPERTY', { property: error.property });
    if (name === 'noInvisibleCharacters') return problem(field, 'INVISIBLE_CHARACTERS', { found: invisibleCharacter(String(error.value)) });
    const known = CONSTRAINT_REASONS[name];
    if (!known) return problem(field, 'INVALID_VALUE', { constraint: name });
    const [code, params] = known(args.get(name) ?? []);
    return problem(field, code, params as never);
  });
}

function flatten(errors: ClassValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    return [...problemsOf(error, field), ...flatten(error.children ?? [], field)];
  });
}

const declaredByClass = new WeakMap<Function, Set<string>>();

/**
 * The properties a DTO class declares (with any validation decorator, its parents' included), looked up once per
 * class: decorators only run when a class is defined, and the look-up walks every metadata of the app.
 */
function declaredProperties(metatype: Function): Set<string> {
  let declared = declaredByClass.get(metatype);
  if (!declared) {
    declared = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(metatype, '', true, false)
        .map((m) => m.propertyName),
    );
    declaredByClass.set(metatype, declared);
  }
  return declared;
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
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidRequest([problem(metadata.type, 'NOT_A_JSON_OBJECT', {})]);
    // A DTO of a hot route may build a body that breaks none of its constraints itself (null: check it here).
    const accepted = (metatype as { quickAccept?: (body: unknown) => object | null }).quickAccept?.(value);
    if (accepted) return accepted;
    const known: Record<string, unknown> = {};
    const unknown: FieldProblem[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (declared.has(key)) known[key] = item;
      else unknown.push(problem(key, 'UNKNOWN_PROPERTY', { property: key }));
    }
    if (unknown.length === 0) return super.transform(value, metadata);
    try {
      await super.transform(known, metadata);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw invalidRequest([...unknown, ...(error.details as { problems: FieldProblem[] }).problems]);
    }
    throw invalidRequest(unknown);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Read by `problemsOf` (to find the decorator's arguments and tell a missing property); never sent back.
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => invalidRequest(flatten(errors)),
  });
}
