import { describe, expect, it } from 'vitest';
import { allowsEverything } from './policy-document.js';

const allowAll = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}';

describe('allowsEverything', () => {
  it('is true for Allow * on *, as an object, in a list, or URL-encoded', () => {
    expect(allowsEverything(allowAll)).toBe(true);
    expect(
      allowsEverything('{"Statement":[{"Effect":"Allow","Action":["s3:*","*"],"Resource":["*"]}]}'),
    ).toBe(true);
    expect(allowsEverything(encodeURIComponent(allowAll))).toBe(true);
  });

  it('is false for scoped, denying or unparsable documents', () => {
    expect(allowsEverything('{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')).toBe(false);
    expect(allowsEverything('{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}')).toBe(false);
    expect(
      allowsEverything('{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}]}'),
    ).toBe(false);
    expect(allowsEverything('%E0%A4%A')).toBe(false);
    expect(allowsEverything('{}')).toBe(false);
  });
});
