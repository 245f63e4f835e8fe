import { Body, Controller, Get, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { RequireRoles } from '@moderato/identity';
import { JitsiServersService } from '@moderato/jitsi';
import { FEATURE_ROLES, PARTICIPANT_FEATURES, POLICY_FIELDS, PolicyService, UpdatePolicyDto, type OrgPolicy } from '@moderato/policy';
import { TIME_ZONE_CHOICES, formErrorsOf, setFlash, validateForm } from '@moderato/web';
import { actorOf } from '../common/actor';

const policyForm = (policy: OrgPolicy) => Object.fromEntries(POLICY_FIELDS.map((field) => [field, policy[field]]));
/** The participant-features grid's rows and columns. */
const grid = { featureRoles: FEATURE_ROLES, featureNames: PARTICIPANT_FEATURES };

/** The grid as posted: an unticked box sends nothing, so every box not sent is "false". Anything but an object is left for the DTO to refuse. */
function postedFeatures(posted: unknown): unknown {
  if (posted !== undefined && (posted === null || typeof posted !== 'object' || Array.isArray(posted))) return posted;
  const given = (posted ?? {}) as Record<string, unknown>;
  const filled: Record<string, unknown> = { ...given, enabled: given.enabled ?? 'false' };
  for (const row of [...FEATURE_ROLES, 'organizerMayAllow'] as const) {
    const cells = given[row];
    if (cells !== undefined && (cells === null || typeof cells !== 'object' || Array.isArray(cells))) continue;
    filled[row] = { ...Object.fromEntries(PARTICIPANT_FEATURES.map((feature) => [feature, 'false'])), ...(cells as object | undefined) };
  }
  return filled;
}

/** Administration → Policy: the page. The REST twin is in AdminController. */
@ApiExcludeController()
@RequireRoles('admin')
@Controller('admin/policy')
export class PolicyPageController {
  constructor(
    private readonly policy: PolicyService,
    private readonly servers: JitsiServersService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Render('admin/policy')
  async show() {
    const described = await this.policy.describe();
    return { ...described, ...grid, form: policyForm(described.policy), errors: {}, servers: await this.servers.list(), timeZones: TIME_ZONE_CHOICES };
  }

  @Post()
  async save(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    // An unticked checkbox sends nothing: the form always means "exactly these".
    const input = {
      ...body,
      guestAccessAllowed: body.guestAccessAllowed ?? 'false',
      autoEndMeetings: body.autoEndMeetings ?? 'false',
      organizerServerIds: body.organizerServerIds ?? [],
      participantFeatures: postedFeatures(body.participantFeatures),
    };
    const form = await validateForm(UpdatePolicyDto, input);
    const rerender = async (errors: Record<string, string[]>) => {
      const described = await this.policy.describe();
      res.status(400).render('admin/policy', {
        ...described,
        ...grid,
        form: { ...policyForm(described.policy), ...input },
        errors,
        servers: await this.servers.list(),
        timeZones: TIME_ZONE_CHOICES,
      });
    };
    if (!form.ok) return rerender(form.errors);
    try {
      await this.policy.update(form.value, actorOf(req));
    } catch (error) {
      const refused = formErrorsOf(error);
      if (refused) return rerender(refused);
      throw error;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.policySaved' });
    res.redirect(303, '/admin/policy');
  }

  @Post('reset')
  async reset(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.policy.reset(actorOf(req));
    setFlash(res, this.config, { type: 'success', key: 'flash.policyReset' });
    res.redirect(303, '/admin/policy');
  }
}
