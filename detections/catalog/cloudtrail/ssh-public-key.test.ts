import { describe, expect, it } from 'vitest';
import { sshPublicKey } from './ssh-public-key.js';

describe('sshPublicKey', () => {
  it('gives the type and the OpenSSH SHA256 fingerprint', () => {
    // what `ssh-keygen -lf` prints for this key
    const key = sshPublicKey(
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtAlK45MAEWZ7MUY2QEmi3M6W+peGL3VCrc0qH54xRu op@laptop',
    );
    expect(key?.type).toBe('ssh-ed25519');
    expect(key?.fingerprint).toBe('SHA256:xq6092IJhV+0W2wifL9mSmJHQoMb2h2KFNrpk4YEAW8');
  });

  it('survives redacted, empty and malformed keys', () => {
    expect(sshPublicKey('ssh-ed25519 XXXX-redacted-XXXX')).toEqual({
      type: 'ssh-ed25519',
      fingerprint: null,
    });
    expect(sshPublicKey('')).toBeNull();
    expect(sshPublicKey(null)).toBeNull();
    expect(sshPublicKey('ssh-rsa')).toBeNull();
  });
});
