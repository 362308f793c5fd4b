import { RenderedBodies } from './rendered-bodies.js';

const body = (text: string) => () => ({ body: text, etag: `W/"${text}"` });

describe('RenderedBodies', () => {
  it('renders once per key and writes the kept body afterwards', () => {
    const bodies = new RenderedBodies({ maxItems: 10, maxBytes: 1_000_000 });
    let renders = 0;
    const render = () => {
      renders += 1;
      return { body: '{"title":"A"}', etag: 'W/"a"' };
    };
    expect(bodies.getOrRender('k', render)).toEqual({ body: '{"title":"A"}', etag: 'W/"a"' });
    expect(bodies.getOrRender('k', render)).toEqual({ body: '{"title":"A"}', etag: 'W/"a"' });
    expect(renders).toBe(1);
  });

  it('drops the least recently used body beyond maxItems', () => {
    const bodies = new RenderedBodies({ maxItems: 2, maxBytes: 1_000_000 });
    bodies.getOrRender('a', body('A'));
    bodies.getOrRender('b', body('B'));
    bodies.getOrRender('a', body('unused'));
    bodies.getOrRender('c', body('C'));
    expect(bodies.size).toBe(2);
    expect(bodies.getOrRender('a', body('A2')).body).toBe('A');
    expect(bodies.getOrRender('b', body('B2')).body).toBe('B2');
  });

  it('stays under maxBytes, and keeps nothing bigger than the bound', () => {
    const bodies = new RenderedBodies({ maxItems: 1000, maxBytes: 1000 });
    for (let i = 0; i < 50; i++) bodies.getOrRender(`key-${i}`, body('x'.repeat(100)));
    expect(bodies.keptBytes).toBeLessThanOrEqual(1000);
    expect(bodies.size).toBe(2);
    expect(bodies.getOrRender('huge', body('y'.repeat(600))).body).toBe('y'.repeat(600));
    expect(bodies.getOrRender('huge', body('z')).body).toBe('z');
  });

  it('keeps nothing with maxItems 0', () => {
    const bodies = new RenderedBodies({ maxItems: 0, maxBytes: 1000 });
    bodies.getOrRender('a', body('A'));
    expect(bodies.size).toBe(0);
    expect(bodies.getOrRender('a', body('A2')).body).toBe('A2');
  });
});
