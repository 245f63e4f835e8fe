import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@moderato/core';

@Public()
@ApiExcludeController()
@Controller()
export class HomePageController {
  @Get()
  @Render('home')
  home() {
    return { title: 'home.title' };
  }
}
