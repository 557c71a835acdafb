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
});
