import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The parts of s3rver's FilesystemStore this patch relies on (s3rver 3.7). */
interface FilesystemStoreLike {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: S3ObjectLike): Promise<{ size: number; md5: string }>;
}

interface S3ObjectLike {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

function isStore(value: unknown): value is FilesystemStoreLike {
  const v = value as Partial<FilesystemStoreLike> | null;
  return typeof v?.getResourcePath === 'function' && typeof v.putMetadata === 'function';
}

/**
 * s3rver stores whatever arrived when an upload is cut short, so an object whose body failed a
 * check at the front would still appear. Real S3 keeps nothing from an interrupted PUT; this makes
 * s3rver do the same: write to a side file, and only a complete body replaces the object.
 */
export function makeObjectPutsAtomic(store: unknown): void {
  if (!isStore(store)) throw new Error('s3rver store does not look like FilesystemStore 3.x');
  store.putObject = async (object: S3ObjectLike) => {
    const target = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.${randomUUID()}.partial`;
    const md5 = createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(object.content)) {
        md5.update(object.content);
        size = object.content.length;
        await writeFile(partial, object.content);
      } else {
        const count = new Transform({
          transform(chunk: Buffer, _enc, done) {
            md5.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(object.content, count, createWriteStream(partial));
        if (object.content instanceof IncomingMessage && !object.content.complete) {
          throw new Error('upload was cut short');
        }
      }
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
