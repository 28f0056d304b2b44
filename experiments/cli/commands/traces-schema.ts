import type { Argv } from 'yargs';
import { schemaText } from '../../../traces/schema/write-schema.js';

/** `bench traces schema`: prints the JSON Schema of one trace line. */
export function tracesSchemaCommand(yargs: Argv): Argv {
  return yargs.command('schema', 'Print the JSON Schema of a trace line', (y) => y, () => {
    process.stdout.write(schemaText());
  });
}
