/**
 * Error factories: every message names the prop (or file and JSON pointer),
 * what it holds, and what is expected, so a user can fix it without reading
 * the library's code.
 */

/** Raised for a construct prop that cannot be used as given. */
export class ListhostPropError extends Error {
  constructor(
    readonly construct: string,
    readonly prop: string,
    message: string,
  ) {
    super(`${construct}: prop '${prop}' ${message}`);
    this.name = 'ListhostPropError';
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export const propErrors = {
  required(construct: string, prop: string, expected: string): ListhostPropError {
    return new ListhostPropError(construct, prop, `is required: give ${expected}.`);
  },
  invalid(construct: string, prop: string, value: unknown, expected: string): ListhostPropError {
    return new ListhostPropError(construct, prop, `is ${show(value)}; expected ${expected}.`);
  },
  conflict(construct: string, prop: string, value: unknown, reason: string): ListhostPropError {
    return new ListhostPropError(construct, prop, `is ${show(value)}, which ${reason}.`);
  },
};

/** Raised when a resolved document does not satisfy its JSON Schema. */
export class ListhostSchemaError extends Error {
  constructor(
    readonly source: string,
    readonly pointer: string,
    detail: string,
  ) {
    super(`${source}${pointer ? ` at ${pointer}` : ''}: ${detail}`);
    this.name = 'ListhostSchemaError';
  }
}
