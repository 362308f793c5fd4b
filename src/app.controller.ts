import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from './common/swagger/api-problem-responses.decorator.js';
import { OpenAccess } from './access/access.decorators.js';

@ApiTags('service')
@OpenAccess()
@Controller()
export class AppController {
  @Get('test')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary: 'Sample route',
    description: 'Answers a fixed greeting; a cheap liveness check for humans.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The greeting',
    content: { 'text/plain': { schema: { type: 'string', example: 'Hello, World!' } } },
  })
  @ApiProblemResponses()
  hello(): string {
    return 'Hello, World!';
  }
}
