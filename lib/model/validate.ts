/**
 * JSON Schema validation of host models, compiled once per process.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import hostSchema from '../schema/host.schema.json';
import { ListhostSchemaError } from '../errors';
import type { HostModel } from './types';

let compiled: ValidateFunction | undefined;

function hostValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: false, strict: true }).compile(hostSchema);
  return compiled;
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `unknown property '${(error.params as { additionalProperty: string }).additionalProperty}'`;
  if (error.keyword === 'required') return `missing property '${(error.params as { missingProperty: string }).missingProperty}'`;
  return `${error.message ?? 'is invalid'}`;
}

/** Throws a ListhostSchemaError naming the source and the JSON pointer of the first problem. */
export function validateHostModel(value: unknown, source: string): asserts value is HostModel {
  const validate = hostValidator();
  if (!validate(value)) {
    const error = validate.errors![0];
    throw new ListhostSchemaError(source, error.instancePath || '/', describe(error));
  }
}
