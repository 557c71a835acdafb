import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api';
import ErrorBanner from './ErrorBanner.svelte';

let component: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

describe('ErrorBanner', () => {
  it('shows an ApiError message as an alert carrying its code', () => {
    const error = new ApiError('dataset_invalid', 'The zip has no class folders.', 422);
    component = mount(ErrorBanner, { target: document.body, props: { error } });

    const alert = document.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('The zip has no class folders.');
    expect(alert?.getAttribute('data-code')).toBe('dataset_invalid');
    expect(document.querySelector('button')).toBeNull();
  });

  it('shows a plain string and calls onretry from its button', () => {
    const onretry = vi.fn();
    component = mount(ErrorBanner, { target: document.body, props: { error: 'Upload failed.', onretry } });

    const button = document.querySelector('button');
    expect(document.body.textContent).toContain('Upload failed.');
    expect(button?.textContent).toBe('Try again');

    button?.click();
    flushSync();
    expect(onretry).toHaveBeenCalledOnce();
  });
});
