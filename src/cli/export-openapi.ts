import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument, createApp } from '../app.factory.js';

/** Writes the OpenAPI document to the path given as first argument (for linting and client generation). */
async function exportOpenApi(target: string): Promise<void> {
  const app = await createApp();
  await app.init();
  writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  await app.close();
}

exportOpenApi(process.argv[2] ?? 'openapi.json').catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
