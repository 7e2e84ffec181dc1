import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { correlationCatalog } from './index.js';
import { correlationTable } from './readme-table.js';

describe('README', () => {
  it('lists every correlation with its window, key and partition key (`correlationTable`)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(correlationTable(correlationCatalog));
    expect(correlationCatalog.length).toBeGreaterThanOrEqual(15);
  });
});
