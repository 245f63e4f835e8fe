import { IsISO8601, IsOptional, IsString, Matches } from 'class-validator';

const MESSAGE = 'start must be a date from 2000 to 2099, such as 2026-12-07';

/** `GET /week?start=YYYY-MM-DD`: any day of the week to show (the reader's Monday to Sunday); this week when left out. */
export class WeekQueryDto {
  @IsOptional()
  @IsString({ message: MESSAGE })
  @Matches(/^20\d{2}-\d{2}-\d{2}$/, { message: MESSAGE })
  @IsISO8601({ strict: true }, { message: MESSAGE })
  start?: string;
}
