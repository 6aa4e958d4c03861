import path from 'node:path';

/** Everything Allot reads from the environment, parsed once, with its default. See README "Configuration". */
export interface Config {
  /** Embedded PGlite data lives here (under `postgres/`), beside uploaded files (`attachments/`). */
  dataDir: string;
  /** When set, Allot uses this PostgreSQL server instead of the embedded database. */
  databaseUrl: string | undefined;
  port: number;
  host: string;
  /** `production` hides GraphiQL, introspection for anonymous callers and field suggestions. */
  environment: 'development' | 'production' | 'test';
  /** Largest accepted request body for ordinary GraphQL requests, in bytes. */
  maxBodyBytes: number;
  /** Where uploaded attachment bytes are stored; `<dataDir>/attachments` unless ALLOT_ATTACHMENTS_DIR is set. */
  attachmentsDir: string;
  /** Largest accepted attachment upload, in bytes (multipart requests may be this big, plus a little). */
  maxUploadBytes: number;
  /** Seed a demo organization on first start with an empty database. */
  seedDemo: boolean;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const environment = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const dataDir = path.resolve(env.ALLOT_DATA_DIR || './.allot-data');
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    port: intFromEnv('PORT', 4000),
    host: env.HOST || '0.0.0.0',
    environment,
    maxBodyBytes: intFromEnv('ALLOT_MAX_BODY_BYTES', 100 * 1024),
    attachmentsDir: path.resolve(env.ALLOT_ATTACHMENTS_DIR || path.join(dataDir, 'attachments')),
    maxUploadBytes: intFromEnv('ALLOT_MAX_UPLOAD_BYTES', 10 * 1024 * 1024),
    seedDemo: env.ALLOT_SEED_DEMO !== 'false',
  };
}
