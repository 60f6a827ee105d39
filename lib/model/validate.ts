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
import { EXPECTED } from './expected-values';
import generatedHostValidator from './host-validator.generated';
import { hostModelRegexProblem } from './portable-regex';
import type { HostModel } from './types';

const hostValidator = generatedHostValidator as ValidateFunction;

/**
 * What each pattern of the host schema means, by schema path: a person
 * writing a host spec should not have to read a regular expression. Where
 * a construct checks the same pattern, the words are its (EXPECTED).
 */
export const PATTERN_MEANINGS: Readonly<Record<string, string>> = {
  '#/definitions/fqdn/pattern': `must be ${EXPECTED.fqdn}`,
  '#/definitions/name/pattern': `must be ${EXPECTED.name}`,
  '#/definitions/path/pattern': 'must be an absolute path of letters, digits and "._@+-" between the slashes, e.g. "/srv/mailman3"',
  '#/definitions/vocabularyWords/pattern': `must be ${EXPECTED.words}`,
  '#/properties/contacts/items/properties/name/pattern': 'must be a name without control characters',
  '#/properties/contacts/items/properties/email/pattern': `must be ${EXPECTED.email}`,
  '#/properties/webUrl/pattern': 'must be an http: or https: URL without spaces or quotes',
  '#/properties/volumes/items/properties/fstype/pattern': `must be ${EXPECTED.fstype}`,
  '#/properties/service/properties/metricPrefix/pattern': `must be ${EXPECTED.metricPrefix}`,
  '#/properties/service/properties/unit/pattern': `must be ${EXPECTED.serviceUnit}`,
  '#/properties/service/properties/processGroups/items/properties/groupname/pattern': `must be ${EXPECTED.groupname}`,
};

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `unknown property '${(error.params as { additionalProperty: string }).additionalProperty}'`;
  if (error.keyword === 'required') return `missing property '${(error.params as { missingProperty: string }).missingProperty}'`;
  if (error.keyword === 'pattern') {
    const meaning = PATTERN_MEANINGS[error.schemaPath];
    if (meaning !== undefined) return meaning;
  }
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
