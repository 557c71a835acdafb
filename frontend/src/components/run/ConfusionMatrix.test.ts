import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ConfusionMatrix from './ConfusionMatrix.svelte';

let component: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

describe('ConfusionMatrix', () => {
  it('labels every cell and reports the clicked (true, predicted) pair', () => {
    const onselect = vi.fn();
    component = mount(ConfusionMatrix, {
      target: document.body,
      props: { classes: ['cat', 'dog'], confusion: [[8, 2], [1, 9]], selected: null, onselect },
    });
    const cells = [...document.querySelectorAll('tbody button')];
    expect(cells.map((c) => c.textContent)).toEqual(['8', '2', '1', '9']);
    expect(cells[1]?.getAttribute('aria-label')).toBe('2 images of cat predicted as dog');
    (cells[1] as HTMLButtonElement).click();
    flushSync();
    expect(onselect).toHaveBeenCalledWith([0, 1]);
  });

  it('writes each number in black or white, whichever its fill needs for WCAG AA', () => {
    component = mount(ConfusionMatrix, {
      target: document.body,
      props: { classes: ['cat', 'dog'], confusion: [[10, 0], [1, 0]], selected: null, onselect: () => {} },
    });
    const cells = [...document.querySelectorAll<HTMLButtonElement>('tbody button')];
    // A full diagonal cell is dark blue with white text; an empty one is white with black.
    expect(cells[0]!.style.color).toBe('rgb(255, 255, 255)');
    expect(cells[0]!.style.background).toContain('rgb(29, 79, 168)');
    expect(cells[1]!.style.color).toBe('rgb(0, 0, 0)');
    expect(cells[2]!.style.color).toBe('rgb(255, 255, 255)');
  });
});
