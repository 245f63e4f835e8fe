import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Allow, IsIn, IsOptional, IsString, registerDecorator } from 'class-validator';
import { InvalidInputError, IsPageNumber, MAX_PAGE, parsePageNumber } from '@moderato/core';

const DAY_MS = 24 * 3600_000;
const RANGE_MESSAGE = 'from and to must be ISO dates, from before to, at most 800 days apart';

const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());
const rangeIsValid = (from: Date, to: Date) => to >= from && to.getTime() - from.getTime() <= 800 * DAY_MS;

/** A range of occurrences to list: `to` not before `from`, at most 800 days apart (a 400 on `from` otherwise). */
export function checkOccurrenceRange(from: Date, to: Date): void {
  if (!isDate(from) || !isDate(to) || !rangeIsValid(from, to)) throw new InvalidInputError([{ field: 'from', messages: [RANGE_MESSAGE] }]);
}

/** `?from=&to=` read as dates ('' is left out, as no value). */
const toDate = ({ value }: { value: unknown }) => (value === '' ? undefined : typeof value === 'string' ? new Date(value) : value);

/**
 * Checks `from` and `to` together and answers on `from`, as the API always has: each one given is
 * a date, and when both are, they make a range. A missing one defaults to now (`from`) or 90 days
 * after `from` (`to`), which the service checks with checkOccurrenceRange().
 */
function IsOccurrenceRange() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isOccurrenceRange',
      target: target.constructor,
      propertyName,
      options: { message: RANGE_MESSAGE },
      validator: {
        validate: (from: unknown, args) => {
          const to = (args?.object as { to?: unknown }).to;
          if ((from !== undefined && !isDate(from)) || (to !== undefined && !isDate(to))) return false;
          return from === undefined || to === undefined || rangeIsValid(from, to);
        },
      },
    });
}

/** `GET /api/v1/meetings`: which meetings, a title search, the page. */
export class MeetingsQueryDto {
  @ApiPropertyOptional({ enum: ['upcoming', 'past'] })
  @IsOptional()
  @IsIn(['upcoming', 'past'], { message: 'when must be upcoming or past' })
  when?: 'upcoming' | 'past';

  /** Longer searches are cut to 200 characters. */
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.slice(0, 200) : value))
  @IsString()
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Transform(({ value }) => parsePageNumber(value) ?? value)
  @IsPageNumber()
  page?: number;
}

/** `GET /api/v1/meetings/:id/occurrences`: the range (default: the next 90 days). */
export class OccurrencesQueryDto {
  @ApiPropertyOptional()
  @Transform(toDate)
  @IsOccurrenceRange()
  from?: Date;

  @ApiPropertyOptional()
  @Transform(toDate)
  @Allow()
  to?: Date;
}
