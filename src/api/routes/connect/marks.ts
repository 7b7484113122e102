import type { ProviderId } from '../../../providers/registry.ts';

/**
 * Letter marks for the picker: a coloured tile with the platform's initials, drawn here as
 * inline SVG. No platform's logo is copied; the name is always written beside the mark, so the
 * mark is decorative (hidden from screen readers). Colours keep white letters at 4.5:1 or more.
 */
const MARKS: Record<ProviderId, { letters: string; colour: string }> = {
  meta: { letters: 'M', colour: '#0a5bc4' },
  'google-ads': { letters: 'G', colour: '#1a6b3a' },
  tiktok: { letters: 'T', colour: '#111111' },
  linkedin: { letters: 'in', colour: '#0a5a8f' },
  x: { letters: 'X', colour: '#000000' },
  snapchat: { letters: 'S', colour: '#6b5a00' },
  wordpress: { letters: 'W', colour: '#135e96' },
  drupal: { letters: 'D', colour: '#00598e' },
  joomla: { letters: 'J', colour: '#1b4f8a' },
  shopify: { letters: 'S', colour: '#2f6b1f' },
  webflow: { letters: 'Wf', colour: '#3d33c9' },
  wix: { letters: 'Wx', colour: '#1f1f1f' },
};

export function markSvg(id: ProviderId, size = 40): string {
  const m = MARKS[id];
  const font = m.letters.length > 1 ? 15 : 20;
  return `<svg class="mark" width="${size}" height="${size}" viewBox="0 0 40 40" aria-hidden="true" focusable="false"><rect width="40" height="40" rx="9" fill="${m.colour}"/><text x="20" y="21" text-anchor="middle" dominant-baseline="middle" font-family="system-ui,sans-serif" font-weight="700" font-size="${font}" fill="#fff">${m.letters}</text></svg>`;
}
