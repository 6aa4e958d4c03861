import type { Db } from '../db/open.js';
import type { AttachmentStorage } from '../services/attachment-storage.js';
import type { Viewer } from '../services/viewer.js';
import type { RequestLoaders } from './loaders.js';

/** Built once per request by the server after the API key is checked. */
export interface Context {
  db: Db;
  viewer: Viewer;
  /**
   * The API key the request came with (its rate-limit bucket); null for an anonymous request,
   * which may only introspect (src/http/access.ts). Optional so contexts built in-process need none.
   */
  apiKeyId?: string | null;
  loaders: RequestLoaders;
  /** Where uploaded attachment bytes are stored, with the upload size limit. */
  attachments: AttachmentStorage;
}
