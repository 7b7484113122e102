import { providers, type ProviderId } from '../../../providers/registry.ts';

/**
 * A platform's letter mark (from its definition) as inline SVG. The name is always written beside
 * the mark, so the mark is decorative and hidden from screen readers.
 */
export function markSvg(id: ProviderId, size = 40): string {
  const m = providers[id].mark;
  const font = m.letters.length > 1 ? 15 : 20;
  return `<svg class="mark" width="${size}" height="${size}" viewBox="0 0 40 40" aria-hidden="true" focusable="false"><rect width="40" height="40" rx="9" fill="${m.colour}"/><text x="20" y="21" text-anchor="middle" dominant-baseline="middle" font-family="system-ui,sans-serif" font-weight="700" font-size="${font}" fill="#fff">${m.letters}</text></svg>`;
}
