import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { refusedForPermissions, successOrDenied } from './denied-attempts.js';

describe('attempts refused for lack of permission', () => {
  it('recognises the error codes of permission refusals across services', () => {
    const denied = [
      'AccessDenied',
      'AccessDeniedException',
      'UnauthorizedOperation',
      'Client.UnauthorizedOperation',
      'UnauthorizedAccess',
      'AuthorizationError',
      'Forbidden',
    ];
    expect(denied.filter(refusedForPermissions)).toEqual(denied);
    const other = [
      'NoSuchDeliveryChannelException',
      'TrailNotFoundException',
      'ValidationException',
      'RequestExpired',
    ];
    expect(other.filter(refusedForPermissions)).toEqual([]);
    expect(refusedForPermissions(null)).toBe(false);
  });

  it('lets a match see successful and denied calls only', () => {
    const match = successOrDenied(() => ({ key: 'k', title: 't', description: 'd' }));
    const event = (errorCode: string | null) => testEvent({ id: 'e', time: 0, errorCode });
    expect(match(event(null), undefined)).not.toBeNull();
    expect(match(event('AccessDenied'), undefined)).not.toBeNull();
    expect(match(event('InvalidParameterValue'), undefined)).toBeNull();
  });
});
