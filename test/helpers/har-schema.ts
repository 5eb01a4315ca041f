import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface AjvLike {
  addMetaSchema(schema: object): void;
  addSchema(schema: object): void;
  validate(ref: string, data: unknown): boolean;
  errors?: unknown[] | null;
}

/** Checks a HAR against the HAR 1.2 JSON schema (har-schema); returns the first errors, or null when valid. */
export async function harSchemaErrors(har: unknown): Promise<string | null> {
  const { default: Ajv } = (await import('ajv')) as unknown as { default: new (o: object) => AjvLike };
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  const schemas = require('har-schema') as Record<string, object>;
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  return ajv.validate('har.json#', har) ? null : JSON.stringify(ajv.errors?.slice(0, 5));
}
