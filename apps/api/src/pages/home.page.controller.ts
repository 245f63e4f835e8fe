import { Controller, Get, Render } from '@nestjs/common';
import { Public } from '@moderato/core';

@Public()
@Controller()
export class HomePageController {
  @Get()
  @Render('home')
  home() {
    return { title: 'home.title' };
  }
}
