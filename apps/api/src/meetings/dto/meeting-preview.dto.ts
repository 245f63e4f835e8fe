import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
/** `weekdays=MO&weekdays=TH` arrives as an array, a single one as text: always a list. */
const list = ({ value }: { value: unknown }) => (value === undefined || Array.isArray(value) ? value : [value]);

/**
 * GET /meetings/preview: the meeting form's schedule fields as the browser has them
 * (all text). The dates themselves are read as the form reads them (timesOfForm): a missing
 * date is "choose a date and a start time", a missing zone is UTC, as when the form is sent.
 */
export class MeetingPreviewQueryDto {
  @IsOptional()
  @IsString({ message: 'date must be text' })
  @MaxLength(40, { message: 'date must be at most 40 characters' })
  date?: string;

  @IsOptional()
  @IsString({ message: 'startTime must be text' })
  @MaxLength(40, { message: 'startTime must be at most 40 characters' })
  startTime?: string;

  @IsOptional()
  @IsString({ message: 'endTime must be text' })
  @MaxLength(40, { message: 'endTime must be at most 40 characters' })
  endTime?: string;

  @IsOptional()
  @IsString({ message: 'timezone must be text' })
  @MaxLength(100, { message: 'timezone must be at most 100 characters' })
  timezone?: string;

  @IsOptional()
  @IsIn(['none', 'daily', 'weekly', 'monthly'], { message: 'repeat must be none, daily, weekly or monthly' })
  repeat?: string;

  @IsOptional()
  @Transform(list)
  @IsIn(WEEKDAYS, { each: true, message: 'weekdays must be one of MO, TU, WE, TH, FR, SA, SU' })
  weekdays?: string[];

  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'count must be an integer number' })
  count?: string;

  /** `true` from the edit form: a meeting that began in the past may keep its start (as saving an edit allows). */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'editing must be true or false' })
  editing?: string;
}
