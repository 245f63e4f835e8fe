import { Column, CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from './user.entity';

/**
 * A person's calendar subscription (`GET /calendar/<secret>.ics`): at most one per person. The
 * secret is HMAC(SECRETS_KEY, user id + salt), as a personal link's code is: the row keeps the salt
 * and the secret's SHA-256, so a database leak yields no working address while the owner can see
 * theirs again on the Settings page. Revoking deletes the row.
 */
@Entity({ name: 'calendar_feeds' })
export class CalendarFeed {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_calendar_feeds' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_calendar_feeds_user' })
  user?: User;

  /** Random; with SECRETS_KEY and the user id it gives the secret. A new secret gets a new salt. */
  @Column({ type: 'varchar', length: 32 })
  salt: string;

  /** Hex SHA-256 of the secret in the feed's address. */
  @Index('uq_calendar_feeds_secret_hash', { unique: true })
  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
