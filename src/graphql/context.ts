import type { Db } from '../db/open.js';
import type { AttachmentStorage } from '../services/attachment-storage.js';
import type { Viewer } from '../services/viewer.js';
import type { RequestLoaders } from './loaders.js';

/** Built once per request by the server after the API key is checked. */
export interface Context {
  db: Db;
  viewer: Viewer;
  loaders: RequestLoaders;
  /** Where uploaded attachment bytes are stored, with the upload size limit. */
  attachments: AttachmentStorage;
}
