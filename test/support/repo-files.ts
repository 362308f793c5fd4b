import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** The absolute path of a file of this repository. */
export function repoPath(relative: string): string {
  return new URL(`../../${relative}`, import.meta.url).pathname;
}

/** A file of this repository as text. */
export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/** Every document of a YAML file, as plain data; a YAML error fails the caller. */
export function readYamlDocuments(relative: string): Record<string, unknown>[] {
  return parseAllDocuments(readRepoFile(relative)).map((document) => {
    if (document.errors.length > 0) throw new Error(`${relative}: ${document.errors.map(String).join('; ')}`);
    return document.toJS() as Record<string, unknown>;
  });
}

/** The one document of a YAML file. */
export function readYaml<T = Record<string, unknown>>(relative: string): T {
  const documents = readYamlDocuments(relative);
  if (documents.length !== 1) throw new Error(`${relative}: expected one YAML document, found ${documents.length}`);
  return documents[0] as T;
}

/** `KEY=value` lines of an env file (comments and blank lines skipped). */
export function readEnvFile(relative: string): Map<string, string> {
  const entries = readRepoFile(relative)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([A-Za-z_]\w*)=(.*)$/.exec(line);
      if (!match) throw new Error(`${relative}: not a KEY=value line: ${line}`);
      return [match[1], match[2]] as const;
    });
  return new Map(entries);
}
