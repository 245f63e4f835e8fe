import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Moderato's SYSTEM key pair (RS256): signs the server-to-server calls to Prosody's
 * `muc_end_meeting` module, which reads the public key from `prosody_password_public_key_repo_url`
 * (`<PUBLIC_URL>/asap/system`). Distinct from the login keys (`jitsi_signing_keys`): a login key is
 * never served at the system URL and a system key never at a login URL, so a login token cannot
 * end a meeting. One for the installation; rotation adds a key with a new kid and keeps the
 * retired one published while its tokens may still be valid (they live minutes).
 */
@Entity({ name: 'jitsi_system_keys' })
export class JitsiSystemKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_jitsi_system_keys' })
  id: string;

  @Index('uq_jitsi_system_keys_kid', { unique: true })
  @Column({ type: 'text' })
  kid: string;

  /** Lower-case hex SHA-256 of the kid: the file name Prosody asks for. */
  @Index('uq_jitsi_system_keys_kid_hash', { unique: true })
  @Column({ name: 'kid_hash', type: 'char', length: 64 })
  kidHash: string;

  /** SPKI PEM. Public: served to Prosody at the system key URL only. */
  @Column({ name: 'public_key_pem', type: 'text' })
  publicKeyPem: string;

  /** PKCS#8 PEM, sealed with SECRETS_KEY and bound to the kid. */
  @Column({ name: 'private_key_encrypted', type: 'text' })
  privateKeyEncrypted: string;

  @Index('ix_jitsi_system_keys_created')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
