import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** The LDAP sign-in form. Any problem shows the one "wrong username or password" message. */
export class LoginFormDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  username: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}
