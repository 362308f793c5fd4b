import { Module } from '@nestjs/common';
import { PlaygroundController } from './playground.controller.js';

/** The preview playground at `GET /` and its static files under `/playground/`. */
@Module({ controllers: [PlaygroundController] })
export class PlaygroundModule {}
