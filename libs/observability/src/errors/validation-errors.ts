import { ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { ParleyError } from '@parley/contracts';
import type { ValidationError } from 'class-validator';

export interface FieldProblem {
  /** Dotted path into the body, e.g. `attachments.0.mime`. */
  field: string;
  /** The class-validator messages, e.g. `text must be a string`. */
  problems: string[];
}

/** Flattens class-validator's nested errors into one entry per offending field. */
export function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const own = error.constraints === undefined ? [] : [{ field, problems: Object.values(error.constraints) }];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** The `exceptionFactory` for Nest's `ValidationPipe`: a `VALIDATION_FAILED` error listing the fields. */
export function validationFailed(errors: readonly ValidationError[]): ParleyError<'VALIDATION_FAILED'> {
  const fields = fieldProblems(errors);
  return new ParleyError('VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, {
    details: { fields },
  });
}

/**
 * The validation pipe for HTTP edges: strips unknown properties and rejects them, transforms to the DTO class,
 * never echoes the rejected values, and fails with `VALIDATION_FAILED` (400 through `ParleyExceptionFilter`).
 */
export function createValidationPipe(overrides: ValidationPipeOptions = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(errors),
    ...overrides,
  });
}
