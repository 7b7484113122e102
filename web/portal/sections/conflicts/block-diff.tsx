import { diffArrays } from 'diff';
import { conflictStrings as t } from './strings.ts';

/**
 * What one side did to the body since the last agreed version, block by block (the unit the
 * merge works in): blocks kept, removed and added, in order. Additions and removals are marked
 * by words as well as colour.
 */
export function BlockDiff({ base, side, sideLabel }: { base: string[]; side: string[]; sideLabel: string }) {
  const parts = diffArrays(base, side);
  return (
    <section class="block-diff" aria-label={t.diffCaption(sideLabel)}>
      <h4>{sideLabel}</h4>
      <ol>
        {parts.flatMap((p, i) =>
          p.value.map((block, j) => {
            const kind = p.added ? 'added' : p.removed ? 'removed' : 'unchanged';
            return (
              <li key={`${i}:${j}`} class={`block ${kind}`}>
                <span class="block-kind">{t[kind]}</span>
                <code>{block}</code>
              </li>
            );
          }),
        )}
      </ol>
    </section>
  );
}
