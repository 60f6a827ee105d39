/**
 * JSON Schema validation of host models with the validator ajv compiled
 * from lib/schema/host.schema.json ahead of time
 * (scripts/generate-validators.ts): no schema compilation at synth. Then
 * the checks JSON Schema cannot express: the user-written regular
 * expressions must stay in the subset their engines read alike
 * (portable-regex.ts), as the constructs require.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ListhostSchemaError } from '../errors';
import generatedHostValidator from './host-validator.generated';
import { hostModelRegexProblem } from './portable-regex';
import type { HostModel } from './types';

const hostValidator = generatedHostValidator as ValidateFunction;

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `unknown property '${(error.params as { additionalProperty: string }).additionalProperty}'`;
  if (error.keyword === 'required') return `missing property '${(error.params as { missingProperty: string }).missingProperty}'`;
  return `${error.message ?? 'is invalid'}`;
}

/** Throws a ListhostSchemaError naming the source and the JSON pointer of the first problem. */
export function validateHostModel(value: unknown, source: string): asserts value is HostModel {
  if (!hostValidator(value)) {
    const error = hostValidator.errors![0];
    throw new ListhostSchemaError(source, error.instancePath || '/', describe(error));
  }
  const regex = hostModelRegexProblem(value as HostModel);
  if (regex !== undefined) throw new ListhostSchemaError(source, regex.pointer, regex.detail);
}
