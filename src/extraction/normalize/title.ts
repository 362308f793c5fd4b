import { collapseWhitespace } from './text.js';

const SEPARATOR = '(?:\\s+[|\\-–—·•:]|:)';

/**
 * A title without a leading `Site | ` segment, removed only when that segment equals `siteName`
 * (case and spacing aside) and something is left. A trailing ` | Site` is kept: it is the common
 * convention, previews show the start of a title, and a leading brand is what hides the headline.
 */
export function stripLeadingSiteName(title: string, siteName: string | undefined): string {
  const site = siteName === undefined ? '' : collapseWhitespace(siteName);
  if (site === '') return title;
  const escaped = site.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  const stripped = title.replace(new RegExp(`^${escaped}${SEPARATOR}\\s+`, 'i'), '').trim();
  return stripped === '' ? title : stripped;
}
