import { scanPage } from '../page-scan.js';
import { ogImages, ogVideos } from './open-graph.rules.js';
import { PageContext } from './rule.js';

const page = (head: string): PageContext =>
  new PageContext(scanPage(`<html><head>${head}</head></html>`, 'https://example.com/a', () => true));

describe('Open Graph rules', () => {
  it('attaches og:image:* properties to the preceding og:image', () => {
    const head = `
      <meta property="og:image" content="/one.jpg">
      <meta property="og:image:width" content="1200">
      <meta property="og:image:height" content="630">
      <meta property="og:image:alt" content="First &amp;amp; best">
      <meta property="og:image:type" content="Image/JPEG">
      <meta property="og:image" content="https://example.com/two.png">
      <meta property="og:image:width" content="wide">
      <meta property="og:image:alt" content="Second">`;
    expect(ogImages.read(page(head))).toEqual([
      { url: '/one.jpg', width: 1200, height: 630, alt: 'First & best', type: 'image/jpeg' },
      { url: 'https://example.com/two.png', alt: 'Second' },
    ]);
  });

  it('merges og:image:url and a https og:image:secure_url into the image they describe', () => {
    const head = `
      <meta property="og:image:width" content="10">
      <meta property="og:image" content="http://example.com/a.jpg">
      <meta property="og:image:url" content="http://example.com/a.jpg">
      <meta property="og:image:secure_url" content="https://example.com/a.jpg">
      <meta property="og:image:url" content="https://example.com/b.jpg">
      <meta property="og:image:secure_url" content="http://example.com/not-secure.jpg">
      <meta property="og:image" content="  ">`;
    expect(ogImages.read(page(head))).toEqual([
      { url: 'https://example.com/a.jpg' },
      { url: 'https://example.com/b.jpg' },
    ]);
  });

  it('reads og:video entries with size and type, without alt text', () => {
    const head = `
      <meta property="og:video:url" content="https://example.com/v.mp4">
      <meta property="og:video:type" content="video/mp4">
      <meta property="og:video:width" content="640">
      <meta property="og:video:height" content="360">
      <meta property="og:video:alt" content="ignored">`;
    expect(ogVideos.read(page(head))).toEqual([
      { url: 'https://example.com/v.mp4', type: 'video/mp4', width: 640, height: 360 },
    ]);
  });
});
