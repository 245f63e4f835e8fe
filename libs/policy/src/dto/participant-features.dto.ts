import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, ValidateNested } from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === 'on' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const yesNo = { message: ({ property }: { property: string }) => `${property} must be true or false` };

/** One row of the grid: a feature name of Jitsi's `context.features` → allowed or not. Names left out keep their value. */
export class FeatureSwitchesDto {
  @ApiPropertyOptional({ description: 'Share their screen (Jitsi checks it in the web app only)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean(yesNo)
  'screen-sharing'?: boolean;

  @ApiPropertyOptional({ description: 'Start a recording (Jibri; Prosody: filter_iq_jibri)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean(yesNo)
  recording?: boolean;

  @ApiPropertyOptional({ description: 'Start a live stream (Jibri; Prosody: filter_iq_jibri)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean(yesNo)
  livestreaming?: boolean;

  @ApiPropertyOptional({ description: 'Start subtitles/transcription (Jigasi; Prosody: filter_iq_rayo)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean(yesNo)
  transcription?: boolean;

  @ApiPropertyOptional({ description: 'Call out to a phone number (Jigasi; Prosody: filter_iq_rayo)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean(yesNo)
  'outbound-call'?: boolean;

  @ApiPropertyOptional({ description: 'Share files in the meeting (Prosody: filesharing component)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean(yesNo)
  'file-upload'?: boolean;
}

const row = (description: string) => [
  ApiPropertyOptional({ type: FeatureSwitchesDto, description }),
  IsOptional(),
  IsObject({ message: ({ property }: { property: string }) => `${property} must be an object of feature names with true or false` }),
  ValidateNested(),
  Type(() => FeatureSwitchesDto),
];
const apply =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };

/**
 * What participants may do per role (`context.features` in their Jitsi tokens) and which features
 * organizers may allow the participants of a meeting beyond the default. Every part is optional:
 * what is left out keeps its value.
 */
export class ParticipantFeaturesDto {
  @ApiPropertyOptional({ description: 'Put context.features into tokens; off: Jitsi decides alone (most features for moderators only)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean(yesNo)
  enabled?: boolean;

  @apply(...row('The organizer (affiliation owner)'))
  owner?: FeatureSwitchesDto;

  @apply(...row('Co-moderators and moderators of permanent rooms (affiliation moderator)'))
  moderator?: FeatureSwitchesDto;

  @apply(...row('Invited participants with an account (affiliation member)'))
  member?: FeatureSwitchesDto;

  @apply(...row('Guests without an account (affiliation member)'))
  guest?: FeatureSwitchesDto;

  @apply(...row('Features an organizer may allow the participants of a meeting although the member default says no'))
  organizerMayAllow?: FeatureSwitchesDto;
}
