import { Controller, Get, Render } from '@nestjs/common';

@Controller()
export class HomePageController {
  @Get()
  @Render('home')
  home() {
    return { title: 'home.title' };
  }
}
