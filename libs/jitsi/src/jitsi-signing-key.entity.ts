import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JitsiServer } from './jitsi-server.entity';

/**
 * An RS256 key pair of a server. Prosody fetches the public key by `kid` from the ASAP endpoint
 * and caches it forever, so rotation adds a key with a new kid; a retired key stays published
 * until every token signed with it has expired.
 */
@Entity({ name: 'jitsi_signing_keys' })
@Index('ix_jitsi_signing_keys_server', ['serverId', 'createdAt'])
export class JitsiSigningKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'server_id', type: 'uuid' })
  serverId: string;

  @ManyToOne(() => JitsiServer, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_jitsi_signing_keys_server' })
  server?: JitsiServer;

  @Index('uq_jitsi_signing_keys_kid', { unique: true })
  @Column({ type: 'text' })
  kid: string;

  /** Lower-case hex SHA-256 of the kid: the file name Prosody asks for. */
  @Index('uq_jitsi_signing_keys_kid_hash', { unique: true })
  @Column({ name: 'kid_hash', type: 'char', length: 64 })
  kidHash: string;

  /** SPKI PEM (-----BEGIN PUBLIC KEY-----). Public: served to Prosody. */
  @Column({ name: 'public_key_pem', type: 'text' })
  publicKeyPem: string;

  /** PKCS#8 PEM, encrypted with SECRETS_KEY. */
  @Column({ name: 'private_key_encrypted', type: 'text' })
  privateKeyEncrypted: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set when a newer key took over; the key is still served until retired_at + token max TTL. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
