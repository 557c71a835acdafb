// Multipart uploads through XMLHttpRequest, which (unlike fetch) reports upload progress.
import { API_BASE, ApiError, parseErrorBody } from './api';

/**
 * Every file name ending the server imports, as backend/data's UploadExtensions lists
 * them (a Go test keeps the two equal). The server reads the format from the content.
 */
export const UPLOAD_EXTENSIONS = ['.zip', '.tar', '.tar.gz', '.tgz', '.csv', '.csv.gz'] as const;

/** The file picker's accept list: those endings and the types browsers give such files. */
export const UPLOAD_ACCEPT = [
  ...UPLOAD_EXTENSIONS,
  'application/zip',
  'application/x-tar',
  'application/gzip',
  'text/csv',
].join(',');

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** POST `form` to `path` under /api and decode the JSON answer; errors become ApiError. */
export function uploadForm<T>(
  path: string,
  form: FormData,
  onprogress?: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', API_BASE + path);
    xhr.setRequestHeader('Accept', 'application/json');
    if (onprogress) {
      xhr.upload.onprogress = (e) => onprogress({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    }
    xhr.onload = () => {
      const text = xhr.responseText;
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(text) as T);
        } catch {
          reject(new ApiError('bad_response', `The server sent an unreadable answer to ${path}.`, xhr.status));
        }
        return;
      }
      const parsed = parseErrorBody(text);
      reject(
        parsed
          ? new ApiError(parsed.code, parsed.message, xhr.status)
          : new ApiError(`http_${xhr.status}`, `The server answered ${xhr.status} ${xhr.statusText || 'error'}.`, xhr.status),
      );
    };
    xhr.onerror = () =>
      reject(new ApiError('network_error', 'The upload did not reach the server. Check that it is running, then try again.', 0));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** A form with one file field (and optional extra text fields). */
export function fileForm(file: Blob, filename: string, extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append('file', file, filename);
  for (const [k, v] of Object.entries(extra)) if (v) form.append(k, v);
  return form;
}
