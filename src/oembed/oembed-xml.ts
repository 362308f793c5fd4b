import { Parser } from 'htmlparser2';

/**
 * Reads an oEmbed XML answer (`<oembed><type>video</type>…</oembed>`) into a flat record: the text of each child
 * of `<oembed>`, the first one of a name winning.
 * Documents with a DOCTYPE or any other `<!…>` declaration are refused: they are how entity-expansion bombs and
 * external entities arrive, and no oEmbed answer needs one. htmlparser2 in XML mode decodes only the predefined
 * and numeric entities, so nothing declared in a document is ever expanded.
 * @returns the fields, or `undefined` when the document is not a plain `<oembed>` answer
 */
export function parseOembedXml(body: string): Record<string, string> | undefined {
  if (/<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(body)) return undefined;
  const fields = new Map<string, string>();
  const stack: string[] = [];
  let root: string | undefined;
  let refused = false;
  let text = '';
  const parser = new Parser(
    {
      onprocessinginstruction(name) {
        if (name.startsWith('!')) refused = true;
      },
      onopentag(name) {
        root ??= name;
        stack.push(name);
        text = '';
      },
      ontext(data) {
        text += data;
      },
      onclosetag(name) {
        if (stack.length === 2 && stack[0] === 'oembed' && !fields.has(name)) {
          fields.set(name, text.trim());
        }
        stack.pop();
        text = '';
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(body);
  return refused || root !== 'oembed' ? undefined : Object.fromEntries(fields);
}
