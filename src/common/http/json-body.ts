import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';

/** Deepest nesting of arrays and objects a JSON body may have: a batch body needs 2 levels. */
export const MAX_JSON_DEPTH = 32;

/** Whether `text` nests arrays and objects deeper than `max`, read in one pass that skips string contents. */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** An error Fastify's error path hands to the problem filter as a 400 with a safe message. */
function badBody(message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/**
 * The JSON body parser (in place of the default one Nest registers): it refuses, before parsing, a body nested
 * deeper than {@link MAX_JSON_DEPTH} (deep nesting costs the validators stack and time out of proportion to the
 * body's size, up to a stack overflow); prototype-poisoning keys are refused as before (secure-json-parse).
 */
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  app.useBodyParser(
    'application/json',
    { bodyLimit },
    (_request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
      const text = body.toString('utf8');
      if (text.trim() === '') return done(badBody('The JSON body is empty'));
      if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
        return done(badBody(`The JSON body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`));
      }
      try {
        return done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch (error) {
        return done(badBody(`The body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`));
      }
    },
  );
}
