import { readRepoFile } from '../support/repo-files.js';
import { placeholdersOf, renderIntoPrefix, renderTemplate, testConfig } from '../support/nginx.js';

/** `nginx -t` on the template rendered for loopback with this metrics network. */
async function testRendered(metricsAllow: string): Promise<{ status: number | null; output: string }> {
  const prefix = await renderIntoPrefix({
    NGINX_LISTEN: '127.0.0.1:8080',
    APP_UPSTREAM: '127.0.0.1:3000',
    NGINX_METRICS_ALLOW: metricsAllow,
  });
  try {
    return testConfig(prefix);
  } finally {
    await prefix.remove();
  }
}

describe('deploy/nginx/nginx.conf.template', () => {
  it('passes nginx -t once rendered', async () => {
    const result = await testRendered('10.0.0.0/8');
    expect(result.output).toContain('syntax is ok');
    expect(result.output).toContain('test is successful');
    expect(result.status).toBe(0);
  });

  it('fails nginx -t when a value is not what nginx expects (the check is real)', async () => {
    const result = await testRendered('not-a-network');
    expect(result.output).toContain('invalid parameter "not-a-network"');
    expect(result.status).toBe(1);
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
