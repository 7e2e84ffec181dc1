import { configJsonSchema } from './config-schema.js';

/** `shardwatch schema`: the JSON Schema of shardwatch.yaml on stdout (docs/shardwatch.schema.json is its output). */
export function schemaCommand(): number {
  process.stdout.write(formatJsonSchema());
  return 0;
}

export function formatJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
