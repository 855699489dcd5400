import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChainHead } from '../journal/chain';
import type { Checkpoint } from './summary-checkpoint';

/** The derived index lives here, next to the journals (never the source of truth). */
export const INDEX_DIR = 'index';
export const CATALOG_FILE = 'catalog.json';
const CATALOG_FORMAT = 1;

/** What a chunk holds, so a query can skip it without loading it. */
export interface ChunkFacets {
  readonly calls: number;
  readonly minTs?: string;
  readonly maxTs?: string;
  /** Service model ids and the IAM prefixes of the chunk's actions (lower case). */
  readonly services: readonly string[];
  /** IAM actions, lower case. */
  readonly actions: readonly string[];
  readonly decisions: readonly string[];
  readonly statuses: readonly number[];
  /** Some call has an error code or a status of 400 and up. */
  readonly errors: boolean;
  readonly identities: readonly string[];
}

/**
 * One chunk of a source's call index: the calls whose first event lies in the journal bytes
 * `from`..`to` (`to` undefined while it is the source's open chunk), in a sql.js file of its own.
 * `id` is written into the file too: a file whose id differs is stale and is rebuilt.
 */
export interface ChunkEntry extends ChunkFacets {
  readonly n: number;
  readonly id: string;
  readonly from: number;
  /** The chain head just before `from`, to verify the range when it is read again. */
  readonly fromHead: ChainHead;
  readonly to?: number;
}

/** What `sessions` needs of a source: its summary, and how the file looked when it was read. */
export interface SourceEntry {
  readonly session: string;
  readonly kind: 'journal' | 'bundle';
  /** File name in `journal/` or `imported/`. */
  readonly file: string;
  /** The file as last looked at. */
  size: number;
  mtimeMs: number;
  /** A journal's size without the space filled ahead (journal/content-size.ts) as last looked at. */
  contentSize?: number;
  /** The summary (counts) as of the furthest position known to hold. */
  latest: Checkpoint;
  /** Where the chain broke (kind and line); set, the journal counts only up to it. */
  fault?: string;
  imported?: { readonly signer: string; readonly endedAt?: string };
}

/**
 * A source's call index: its chunks, kept apart from the catalog (`index/chunks/<session>.json`)
 * so that `sessions` never reads the chunk directories of a large store.
 */
export interface ChunkDir {
  /** How far the chunks have read, verified (bytes of a journal; events of a bundle). */
  chunked: { offset: number; head: ChainHead };
  chunks: ChunkEntry[];
  /** Calls of sealed chunks still waiting for their answer: call id → chunk number. */
  pending: [string, number][];
}

export interface Catalog {
  sources: Record<string, SourceEntry>;
}

export function indexDir(dataDir: string): string {
  return join(dataDir, INDEX_DIR);
}

export function chunkFile(dataDir: string, session: string, n: number): string {
  return join(dataDir, INDEX_DIR, 'chunks', `${session}.${n}.sqlite`);
}

export function chunkDirFile(dataDir: string, session: string): string {
  return join(dataDir, INDEX_DIR, 'chunks', `${session}.json`);
}

export async function loadChunkDir(dataDir: string, session: string): Promise<ChunkDir | undefined> {
  try {
    const v = JSON.parse(await readFile(chunkDirFile(dataDir, session), 'utf8')) as Partial<ChunkDir> & {
      format?: unknown;
    };
    if (v.format === CATALOG_FORMAT && v.chunked && Array.isArray(v.chunks) && Array.isArray(v.pending))
      return { chunked: v.chunked, chunks: v.chunks, pending: v.pending };
  } catch {
    // Missing or torn: the source's calls are indexed again.
  }
  return undefined;
}

export async function saveChunkDir(dataDir: string, session: string, dir: ChunkDir): Promise<void> {
  await mkdir(join(indexDir(dataDir), 'chunks'), { recursive: true, mode: 0o700 });
  await atomicWrite(chunkDirFile(dataDir, session), JSON.stringify({ format: CATALOG_FORMAT, ...dir }));
}

export function termsFile(dataDir: string, session: string, n: number): string {
  return join(dataDir, INDEX_DIR, 'chunks', `${session}.${n}.terms`);
}

/** The catalog, or an empty one when it is missing or unreadable (a rebuild, never an error). */
export async function loadCatalog(dataDir: string): Promise<Catalog> {
  try {
    const v = JSON.parse(await readFile(join(indexDir(dataDir), CATALOG_FILE), 'utf8')) as {
      format?: unknown;
      sources?: unknown;
    };
    if (v.format === CATALOG_FORMAT && typeof v.sources === 'object' && v.sources !== null)
      return { sources: v.sources as Record<string, SourceEntry> };
  } catch {
    // Missing or torn: start over.
  }
  return { sources: {} };
}

export async function saveCatalog(dataDir: string, catalog: Catalog): Promise<void> {
  const dir = indexDir(dataDir);
  await mkdir(join(dir, 'chunks'), { recursive: true, mode: 0o700 });
  await atomicWrite(join(dir, CATALOG_FILE), JSON.stringify({ format: CATALOG_FORMAT, ...catalog }));
}

export async function atomicWrite(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Removes a source's call index: its chunk files and its chunk directory. */
export async function removeChunkFiles(
  dataDir: string,
  session: string,
  dir: ChunkDir | undefined,
): Promise<void> {
  for (const c of (dir ?? (await loadChunkDir(dataDir, session)))?.chunks ?? []) {
    await unlink(chunkFile(dataDir, session, c.n)).catch(() => undefined);
    await unlink(termsFile(dataDir, session, c.n)).catch(() => undefined);
  }
  await unlink(chunkDirFile(dataDir, session)).catch(() => undefined);
}
