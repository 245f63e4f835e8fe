import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { RequireRoles, UsersService, type User } from '@moderato/identity';
import { PersonDataService } from '@moderato/meetings';
import { formErrorsOf, setFlash, validateForm } from '@moderato/web';
import { actorOf } from '../common/actor';
import { DeleteUserFormDto } from './dto/delete-user.dto';

/**
 * Administration → a user → *Download their data* and *Delete this person* (issue 18). The
 * deletion asks first on a page of its own (works without JavaScript) and, when the person
 * organises meetings, who takes them over or whether they are cancelled.
 */
@ApiExcludeController()
@RequireRoles('admin')
@Controller('admin/users/:id')
export class PersonPageController {
  constructor(
    private readonly users: UsersService,
    private readonly people: PersonDataService,
    private readonly config: AppConfig,
  ) {}

  @Get('export')
  async export(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const data = await this.people.export(id, actorOf(req));
    res.setHeader('Content-Disposition', `attachment; filename="moderato-person-${data.account.id}.json"`);
    res.json(data);
  }

  @Get('delete')
  async confirm(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const user = await this.users.getById(id);
    res.render('admin/user-delete', await this.page(user, {}, {}));
  }

  @Post('delete')
  async delete(@Param('id') id: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.users.getById(id);
    const input = { meetings: body.meetings, meetingsTo: body.meetingsTo };
    const rerender = async (errors: Record<string, string[]>) => res.status(400).render('admin/user-delete', await this.page(user, input, errors));
    const form = await validateForm(DeleteUserFormDto, input);
    if (!form.ok) return rerender(form.errors);
    const { meetings, meetingsTo } = form.value;
    if (meetings === 'handover' && !meetingsTo) return rerender({ meetingsTo: [res.locals.t('admin.user.delete.chooseOrganizer')] });
    let pseudonym: string;
    try {
      const choice = { meetingsTo: meetings === 'handover' ? meetingsTo : undefined, cancelMeetings: meetings === 'cancel' };
      pseudonym = (await this.people.delete(user.id, choice, actorOf(req))).pseudonym;
    } catch (error) {
      const refused = formErrorsOf(error);
      if (refused) return rerender(refused);
      throw error;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.userDeleted', params: { pseudonym } });
    res.redirect(303, '/admin/users');
  }

  private async page(user: User, form: Record<string, unknown>, errors: Record<string, string[]>) {
    const organised = await this.people.organisedCount(user.id);
    // The organizers who could take the meetings over (enabled, not the person deleted).
    const { users } = organised ? await this.users.search({ role: 'organizer', page: 1, pageSize: 500 }) : { users: [] };
    return { target: user, organised, organizers: users.filter((u) => u.id !== user.id && !u.disabled), form, errors };
  }
}
