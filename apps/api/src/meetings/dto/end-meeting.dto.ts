import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

/** Which date of a series to end: its start (ISO 8601); default the running one. */
export class EndMeetingDto {
  @ApiPropertyOptional({ example: '2026-12-07T08:00:00.000Z', description: 'The occurrence (its start); default: the one running now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'occurrence must be an ISO 8601 date and time such as 2026-12-07T08:00:00Z' })
  occurrence?: string;
}
