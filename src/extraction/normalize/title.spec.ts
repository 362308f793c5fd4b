import { stripLeadingSiteName } from './title.js';

describe('stripLeadingSiteName', () => {
  it('removes a leading segment equal to the site name, and nothing else', () => {
    expect([
      stripLeadingSiteName('Example News | A story', 'Example News'),
      stripLeadingSiteName('example  news — A story', 'Example News'),
      stripLeadingSiteName('Site.com: A (story)', 'Site.com'),
      stripLeadingSiteName('A story | Example News', 'Example News'),
      stripLeadingSiteName('Example News reports | A story', 'Example News'),
      stripLeadingSiteName('Other Site | A story', 'Example News'),
      stripLeadingSiteName('Example News', 'Example News'),
      stripLeadingSiteName('Example News | A story', undefined),
      stripLeadingSiteName('Example News | A story', ' '),
    ]).toEqual([
      'A story',
      'A story',
      'A (story)',
      'A story | Example News',
      'Example News reports | A story',
      'Other Site | A story',
      'Example News',
      'Example News | A story',
      'Example News | A story',
    ]);
  });
});
