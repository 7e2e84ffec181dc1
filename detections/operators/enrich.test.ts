import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { enrich } from './enrich.js';

describe('enrich', () => {
  it('pairs items with what the lookup found and drops those it found nothing for', async () => {
    const owners: Record<string, string> = { 'i-1': 'alice', 'i-3': '' };
    const out = await lastValueFrom(
      from(['i-1', 'i-2', 'i-3']).pipe(
        enrich((id) => owners[id]),
        toArray(),
      ),
    );
    expect(out).toEqual([
      { item: 'i-1', enrichment: 'alice' },
      { item: 'i-3', enrichment: '' },
    ]);
  });
});
