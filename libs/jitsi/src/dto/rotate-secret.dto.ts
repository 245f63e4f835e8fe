import { PickType } from '@nestjs/swagger';
import { CreateServerDto } from './server.dto';

/**
 * HS256: the new shared secret an admin gives when rotating (optional: generated when omitted).
 * The same rules as at creation, from the same property.
 */
export class RotateSecretDto extends PickType(CreateServerDto, ['secret'] as const) {}
