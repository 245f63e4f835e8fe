import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a secret and never contains it in clear', () => {
    const sealed = box.seal('my-jitsi-shared-secret', 'server:1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('my-jitsi-shared-secret');
    expect(Buffer.from(sealed.split('.')[3], 'base64url').toString()).not.toContain('jitsi');
    expect(box.open(sealed, 'server:1')).toBe('my-jitsi-shared-secret');
  });

  it('uses a fresh nonce each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a wrong key, another context, or a tampered value', () => {
    const sealed = box.seal('secret', 'server:1');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'server:1')).toThrow();
    expect(() => box.open(sealed, 'server:2')).toThrow();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], flipped.toString('base64url')].join('.'), 'server:1')).toThrow();
    expect(() => box.open('plain-text')).toThrow('not a sealed secret');
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });
});
