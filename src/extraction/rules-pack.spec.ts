import { GENERIC_RULES } from './rules/field.rules.js';
import { rule } from './rules/rule.js';
import { hostMatches, rulesFor, type RulesPack } from './rules-pack.js';

describe('rules packs', () => {
  it('matches a host exactly, or a domain and every host below it with *.', () => {
    expect([
      hostMatches('example.com', 'example.com'),
      hostMatches('example.com', 'www.example.com'),
      hostMatches('*.example.com', 'example.com'),
      hostMatches('*.example.com', 'a.b.example.com'),
      hostMatches('*.example.com', 'badexample.com'),
      hostMatches('*.Example.COM', 'www.example.com'),
    ]).toEqual([true, false, true, true, false, true]);
  });

  it("puts an entry's rules before the generic ones of the same field, on its hosts only", () => {
    const own = rule('own title', () => 'Own');
    const needsBody = (): boolean => true;
    const pack: RulesPack = [{ name: 'site', hosts: ['*.site.example'], fields: { title: [own] }, needsBody }];
    const on = rulesFor(pack, GENERIC_RULES, 'www.site.example');
    const off = rulesFor(pack, GENERIC_RULES, 'other.example');
    expect([on.fields.title, on.fields.description, on.needsBody]).toEqual([
      [own, ...GENERIC_RULES.title],
      GENERIC_RULES.description,
      [needsBody],
    ]);
    expect([off.fields, off.needsBody]).toEqual([GENERIC_RULES, []]);
    expect(rulesFor(pack, GENERIC_RULES, undefined).fields).toBe(GENERIC_RULES);
  });
});
