/**
 * The CRCs S3 accepts as `x-amz-checksum-*` (CRC32, CRC32C, CRC64NVME), table-driven and
 * dependency-free: node:zlib's crc32 is missing from the Node that VS Code's Electron ships, and
 * the other two are in no Node release. All three are reflected, start and end inverted.
 */

function table32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

const CRC32 = table32(0xedb88320);
const CRC32C = table32(0x82f63b78);

function crc32With(t: Uint32Array, data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = (c >>> 8) ^ (t[(c ^ b) & 0xff] ?? 0);
  return (c ^ 0xffffffff) >>> 0;
}

export function crc32(data: Uint8Array): number {
  return crc32With(CRC32, data);
}

export function crc32c(data: Uint8Array): number {
  return crc32With(CRC32C, data);
}

// CRC-64/NVME (polynomial 0xad93d23594c935a9, reflected 0x9a6c9329ac4bc9b5), kept as two
// 32-bit halves so no BigInt runs per byte.
const POLY64_HI = 0x9a6c9329;
const POLY64_LO = 0xac4bc9b5;
const T64_HI = new Uint32Array(256);
const T64_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY64_HI) >>> 0;
      lo = (lo ^ POLY64_LO) >>> 0;
    }
  }
  T64_HI[i] = hi;
  T64_LO[i] = lo;
}

/** CRC-64/NVME as 8 big-endian bytes (the order S3's base64 header carries). */
export function crc64nvme(data: Uint8Array): Buffer {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  for (const b of data) {
    const idx = (lo ^ b) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ (T64_LO[idx] ?? 0)) >>> 0;
    hi = ((hi >>> 8) ^ (T64_HI[idx] ?? 0)) >>> 0;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
  out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
  return out;
}
