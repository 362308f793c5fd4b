import { readRepoFile } from '../support/repo-files.js';
import { placeholdersOf, renderIntoPrefix, renderTemplate, testConfig } from '../support/nginx.js';

describe('deploy/nginx/nginx.conf.template', () => {
  it('passes nginx -t once rendered', async () => {
    const prefix = await renderIntoPrefix({
      NGINX_LISTEN: '127.0.0.1:8080',
      APP_UPSTREAM: '127.0.0.1:3000',
      NGINX_METRICS_ALLOW: '10.0.0.0/8',
    });
    try {
      const result = testConfig(prefix);
      expect(result.output).toContain('syntax is ok');
      expect(result.output).toContain('test is successful');
      expect(result.status).toBe(0);
    } finally {
      await prefix.remove();
    }
  });

  it('fails nginx -t when a value is not what nginx expects (the check is real)', async () => {
    const prefix = await renderIntoPrefix({
      NGINX_LISTEN: '127.0.0.1:8080',
      APP_UPSTREAM: '127.0.0.1:3000',
      NGINX_METRICS_ALLOW: 'not-a-network',
    });
    try {
      const result = testConfig(prefix);
      expect(result.output).toContain('invalid parameter "not-a-network"');
      expect(result.status).toBe(1);
    } finally {
      await prefix.remove();
    }
  });

  it('has exactly the documented placeholders, and rendering refuses a missing one', () => {
    const template = readRepoFile('deploy/nginx/nginx.conf.template');
    expect([...placeholdersOf(template)].sort((a, b) => a.localeCompare(b))).toEqual([
      'APP_UPSTREAM',
      'NGINX_ACCESS_LOG',
      'NGINX_LISTEN',
      'NGINX_METRICS_ALLOW',
      'NGINX_STATE_DIR',
    ]);
    for (const name of placeholdersOf(template)) expect(template).toMatch(new RegExp(`^#   ${name} `, 'm'));
    expect(() => renderTemplate(template, { NGINX_LISTEN: '8080' })).toThrow('no value for the placeholder');
  });
});
