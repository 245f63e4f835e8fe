import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type SigningMode = 'HS256' | 'RS256';

/** One Jitsi Meet deployment that Moderato mints tokens for. */
@Entity({ name: 'jitsi_servers' })
@Check('ck_jitsi_servers_signing_mode', `"signing_mode" IN ('HS256', 'RS256')`)
export class JitsiServer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_jitsi_servers_name', { unique: true })
  @Column({ type: 'text' })
  name: string;

  /** e.g. https://meet.example.org, without a trailing slash. */
  @Column({ name: 'base_url', type: 'text' })
  baseUrl: string;

  /** The token's `sub`: the XMPP domain (meet.jitsi in docker), not the public host name. */
  @Column({ name: 'xmpp_domain', type: 'text' })
  xmppDomain: string;

  /** The token's `iss` (docker JWT_APP_ID). */
  @Column({ name: 'app_id', type: 'text' })
  appId: string;

  /** The token's `aud` (docker JWT_ACCEPTED_AUDIENCES). */
  @Column({ type: 'text', default: 'jitsi' })
  audience: string;

  @Column({ name: 'signing_mode', type: 'varchar', length: 8 })
  signingMode: SigningMode;

  /** HS256 shared secret, encrypted with SECRETS_KEY (never stored in clear). */
  @Column({ name: 'secret_encrypted', type: 'text', nullable: true })
  secretEncrypted: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** The server runs the contrib token_lobby_bypass plugin: invited members skip the lobby. */
  @Column({ name: 'lobby_bypass', type: 'boolean', default: false })
  lobbyBypass: boolean;

  /** Roles/groups whose organizers may schedule on this server; empty = every organizer. */
  @Column({ name: 'allowed_organizer_roles', type: 'text', array: true, default: () => "'{}'" })
  allowedOrganizerRoles: string[];

  /**
   * Prosody's HTTP base as Moderato reaches it on the internal network (docker:
   * http://xmpp.meet.jitsi:5280), for `muc_end_meeting`'s POST /end-meeting; null = End meeting off.
   */
  @Column({ name: 'prosody_http_url', type: 'text', nullable: true })
  prosodyHttpUrl: string | null;

  /** The MUC (conference) domain of the room JIDs; null = docker's muc.meet.jitsi, else conference.<xmppDomain>. */
  @Column({ name: 'muc_domain', type: 'text', nullable: true })
  mucDomain: string | null;
  /** SHA-256 (hex) of the bearer secret its event_sync component sends; null until an admin sets one. */
  @Column({ name: 'events_secret_hash', type: 'char', length: 64, nullable: true })
  eventsSecretHash: string | null;

  @Column({ name: 'events_secret_set_at', type: 'timestamptz', nullable: true })
  eventsSecretSetAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
