import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { makeObjectPutsAtomic } from './s3rver-atomic';

/** A real fake service listening on loopback, reached by the front over HTTP. */
export interface HttpBackend {
  port: number;
  close(): Promise<void>;
}

/** s3rver in a fresh temp dir; path-style only, since the front always forwards path-style. */
export async function startS3Backend(): Promise<HttpBackend> {
  const directory = await mkdtemp(join(tmpdir(), 'airlock-fake-s3-'));
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    resetOnClose: true,
    vhostBuckets: false,
  });
  makeObjectPutsAtomic(s3.store);
  const address = await s3.run();
  return {
    port: address.port,
    async close() {
      s3.httpServer?.closeAllConnections();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** dynalite, in memory, with tables ready the moment they are created. */
export async function startDynamoDbBackend(): Promise<HttpBackend> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server);
  return {
    port,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
