import { createHash } from 'node:crypto';

/** An OpenSSH public key line as EC2 Instance Connect receives it: `<type> <base64 blob> [comment]`. */
export interface SshPublicKey {
  type: string;
  /** `SHA256:...`, as `ssh-keygen -lf` and sshd's auth log print it; null when the blob is not a key (redacted). */
  fingerprint: string | null;
}

/**
 * The type and fingerprint of an OpenSSH public key, so a finding can be matched with the instance's auth log
 * (`Accepted publickey for ec2-user ... SHA256:...`).
 *
 *   sshPublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtAlK45MAEWZ7MUY2QEmi3M6W+peGL3VCrc0qH54xRu')
 *   // { type: 'ssh-ed25519', fingerprint: 'SHA256:...' }
 */
export function sshPublicKey(line: string | null): SshPublicKey | null {
  const [type, blob] = (line ?? '').trim().split(/\s+/);
  if (!type || !blob) return null;
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(blob) ? Buffer.from(blob, 'base64') : Buffer.alloc(0);
  // The blob starts with its own key type as an SSH string (uint32 length, then the name).
  const named = bytes.length > 4 ? bytes.subarray(4, 4 + bytes.readUInt32BE(0)).toString('latin1') : '';
  if (named !== type) return { type, fingerprint: null };
  const digest = createHash('sha256').update(bytes).digest('base64');
  return { type, fingerprint: `SHA256:${digest.replace(/=+$/, '')}` };
}
