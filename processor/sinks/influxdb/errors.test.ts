import { describe, expect, it } from 'vitest';
import { InfluxWriteError } from './errors.js';

describe('InfluxWriteError', () => {
  it.each([
    [400, 'partial write: field type conflict: ... dropped=1', 'invalid_point', true],
    [400, 'partial write: points beyond retention policy dropped=1', 'record_too_old', true],
    [
      422,
      'failure writing points to database: partial write: points beyond retention policy',
      'record_too_old',
      true,
    ],
    [413, 'Request Entity Too Large', 'too_large', true],
    [401, 'unauthorized access', 'unauthorized', false],
    [403, 'forbidden', 'unauthorized', false],
    [404, 'database not found: "x"', 'not_found', false],
    [503, 'engine: cache maximum memory size exceeded', 'http_503', false],
  ])('HTTP %i %j → %s (splittable %s)', (status, message, reason, splittable) => {
    const error = new InfluxWriteError(status, message);
    expect(error.reason).toBe(reason);
    expect(error.splittable).toBe(splittable);
  });
});
