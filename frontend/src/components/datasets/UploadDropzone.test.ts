import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { UPLOAD_EXTENSIONS } from '../../lib/upload';
import UploadDropzone from './UploadDropzone.svelte';

let component: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

describe('UploadDropzone', () => {
  it('lets the file picker choose every format the server imports, CSV included', () => {
    component = mount(UploadDropzone, { target: document.body, props: { onuploaded: () => {} } });
    flushSync();
    const input = document.querySelector<HTMLInputElement>('[data-testid="dataset-file"]');
    const accept = (input?.accept ?? '').split(',');
    for (const ext of ['.zip', '.tar', '.tar.gz', '.tgz', '.csv', '.csv.gz']) {
      expect(accept).toContain(ext);
    }
    for (const ext of UPLOAD_EXTENSIONS) expect(accept).toContain(ext);
    expect(document.body.textContent).toContain('.csv');
  });
});
