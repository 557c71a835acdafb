// Small real datasets made on the spot for the browser tests: grey PNG images in class
// folders, packed as a .tar.gz the way a person would upload them.
import { deflateSync, gzipSync } from 'node:zlib';

function crc32(buf) {
  let crc = 0xffffffff;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit greyscale PNG of width x height from pixel(x, y) in 0..255. */
export function greyPNG(width, height, pixel) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = 0; // no filter
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = pixel(x, y);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function tarHeader(name, size) {
  const h = Buffer.alloc(512);
  const put = (s, off, len) => h.write(s.slice(0, len), off, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(size.toString(8).padStart(11, '0') + '\0', 124, 12);
  put('00000000000\0', 136, 12);
  h.fill(0x20, 148, 156); // checksum counted as spaces
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** A .tar.gz of files: [{name, data}]. */
export function tarGz(files) {
  const parts = [];
  for (const f of files) {
    parts.push(tarHeader(f.name, f.data.length), f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

/**
 * `classes` class folders of `perClass` 28x28 images each: class i is a bright bar at a
 * place of its own plus seeded noise, so a model can tell them apart a little.
 */
export function barsDataset(classes, perClass) {
  const files = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  classes.forEach((name, i) => {
    for (let n = 0; n < perClass; n++) {
      const at = 2 + ((i * 5) % 24);
      const png = greyPNG(28, 28, (x, y) => {
        const bar = i % 2 === 0 ? Math.abs(x - at) <= 1 : Math.abs(y - at) <= 1;
        return bar ? 230 : Math.floor(rand() * 60);
      });
      files.push({ name: `${name}/${String(n).padStart(3, '0')}.png`, data: png });
    }
  });
  return tarGz(files);
}
