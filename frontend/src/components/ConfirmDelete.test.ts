import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ConfirmDelete from './ConfirmDelete.svelte';

let component: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

const buttons = () => [...document.querySelectorAll('button')];
const button = (text: string) => buttons().find((b) => b.textContent === text);

describe('ConfirmDelete', () => {
  it('asks before deleting, with the focus on keeping it, and keeps it on "Keep it"', () => {
    const onconfirm = vi.fn(async () => {});
    component = mount(ConfirmDelete, { target: document.body, props: { label: 'Delete the experiment', question: 'Delete “x” with its 2 runs?', onconfirm } });

    button('Delete the experiment')?.click();
    flushSync();
    const ask = document.querySelector('[role="alertdialog"]');
    expect(ask?.textContent).toContain('Delete “x” with its 2 runs? This cannot be undone.');
    expect(document.activeElement?.textContent).toBe('Keep it');

    button('Keep it')?.click();
    flushSync();
    expect(document.querySelector('[role="alertdialog"]')).toBeNull();
    expect(onconfirm).not.toHaveBeenCalled();
  });

  it('deletes on the second click, and is a button again once done', async () => {
    let finish = () => {};
    const onconfirm = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    component = mount(ConfirmDelete, { target: document.body, props: { label: 'Delete', question: 'Delete it?', onconfirm } });

    button('Delete')?.click();
    flushSync();
    button('Delete')?.click();
    flushSync();
    expect(onconfirm).toHaveBeenCalledOnce();
    expect(button('Deleting…')?.disabled).toBe(true);

    finish();
    await tick();
    await Promise.resolve();
    flushSync();
    expect(document.querySelector('[role="alertdialog"]')).toBeNull();
    expect(buttons().map((b) => b.textContent)).toEqual(['Delete']);
  });
});
