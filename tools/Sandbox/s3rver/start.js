'use strict';
// Starts s3rver on a loopback port for the sandbox's MinIO stand-in and prints "s3rver http://127.0.0.1:PORT".
// The stand-in's proxy verifies every signature itself and forwards requests signed with s3rver's own key, so s3rver
// only stores. Five corrections are made here. First, an object completed from parts gets S3's multipart ETag
// ("<md5 of the parts' binary md5s>-<number of parts>") instead of the md5 of its content, in the answer to
// CompleteMultipartUpload, in HEAD and GET and in listings, as S3 and MinIO give it.
// Settings (environment): S3RVER_DIRECTORY (required), S3RVER_PORT (0 = free port).
// Run it as `node --openssl-legacy-provider start.js`: s3rver encrypts ListObjectsV2 continuation tokens with DES, which
// OpenSSL 3 keeps in its legacy provider, so without the flag every listing past 1000 keys answers 500.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Readable, Transform } = require('stream');
const { pipeline } = require('stream/promises');

// The second correction: a listing walks the bucket's folder while other requests write and remove files in it
// (multipart parts, objects deleted or overwritten). s3rver's walk stats each name it read and answers 500 when one
// has gone in between; MinIO lists what exists. Set before s3rver is loaded, which takes walk from its utils then.
const utils = require('s3rver/lib/utils');
utils.walk = function* walkWhatExists(dir, recurseFilter) {
  const names = unlessGone(() => fs.readdirSync(dir));
  if (!names) return;
  for (const name of names) {
    const filePath = path.posix.join(dir, name);
    const stats = unlessGone(() => fs.statSync(filePath));
    if (!stats) continue;
    if (!stats.isDirectory()) {
      yield filePath;
    } else if (!recurseFilter || recurseFilter(filePath)) {
      yield* walkWhatExists(filePath, recurseFilter);
    }
  }
};

// What read answers, or undefined when the name it reads was removed meanwhile.
function unlessGone(read) {
  try {
    return read();
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
}

const S3rver = require('s3rver');
const S3Object = require('s3rver/lib/models/object');
const FilesystemStore = require('s3rver/lib/stores/filesystem');

const directory = process.env.S3RVER_DIRECTORY;
if (!directory) {
  console.error('S3RVER_DIRECTORY is required');
  process.exit(2);
}

const completeFromParts = FilesystemStore.prototype.putObjectMultipart;
FilesystemStore.prototype.putObjectMultipart = async function putObjectMultipartWithS3ETag(bucket, uploadId, parts) {
  const uploadDir = path.join(this.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  const key = fs.readFileSync(path.join(uploadDir, 'key')).toString();
  // The part files are removed once the object is assembled: read their md5s first.
  const numbers = parts.map(part => part.number).sort((a, b) => a - b);
  const digests = numbers.map(n => Buffer.from(fs.readFileSync(path.join(uploadDir, `${n}.md5`)).toString(), 'hex'));
  const result = await completeFromParts.call(this, bucket, uploadId, parts);
  const etag = `${crypto.createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${numbers.length}`;
  const objectPath = this.getResourcePath(bucket, key, 'object');
  await inTurn(objectPath, () => writeAtomically(`${objectPath}.md5`, etag));
  return { ...result, md5: etag };
};

// The third: s3rver rewrites an object's metadata files in place, so a listing or HEAD that reads one while a PUT writes
// it can meet an empty file and answer 500. Written beside and renamed over, a reader sees the old file or the new one.
FilesystemStore.prototype.putMetadata = async function putMetadataAtomically(bucket, key, metadata, md5) {
  const json = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) json[name] = value;
  }
  if (md5) await writeAtomically(this.getResourcePath(bucket, key, 'object.md5'), md5);
  await writeAtomically(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(json, null, 2));
};

// The fourth: s3rver's putObject answers once the body has passed its hashing stage (a body held in memory: at once),
// before the file holds it, and writes over the object's file in place; its getObject reads the metadata and opens the
// file one after the other. A GET soon after the PUT's answer, or during a second PUT of the key (a client retrying after
// its timeout), then reads an empty, partial or mixed object. S3 and MinIO replace an object whole, once its body has
// arrived. Here the body is written beside and awaited to its end; renaming it over the object with its metadata, and
// opening the object for a GET, take turns per key, so a GET answers one version's body, length and ETag together, and
// a body cut off leaves the old object in place.
FilesystemStore.prototype.putObject = async function putObjectWhole(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
  const md5Context = crypto.createHash('md5');
  let size = 0;
  const hashing = new Transform({
    transform(chunk, encoding, callback) {
      md5Context.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
  const temporary = beside(objectPath);
  try {
    await pipeline(content, hashing, fs.createWriteStream(temporary));
  } catch (err) {
    await fs.promises.rm(temporary, { force: true });
    throw err;
  }
  const md5 = md5Context.digest('hex');
  await inTurn(objectPath, async () => {
    await fs.promises.rename(temporary, objectPath);
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
  });
  return { size, md5 };
};

const getObjectAtOnce = FilesystemStore.prototype.getObject;
FilesystemStore.prototype.getObject = function getObjectInTurn(bucket, key, options) {
  // s3rver's getObject answers once the file is open: a rename after that leaves the open file as it was.
  return inTurn(this.getResourcePath(bucket, key, 'object'), () => getObjectAtOnce.call(this, bucket, key, options));
};

// What work answers, run after the work already waiting for the same key (node runs one request's code at a time, so a
// promise chain per key is the lock).
const turns = new Map();
async function inTurn(key, work) {
  const before = turns.get(key) || Promise.resolve();
  let release;
  const released = new Promise(resolve => (release = resolve));
  const mine = before.then(() => released);
  turns.set(key, mine);
  await before;
  try {
    return await work();
  } finally {
    release();
    if (turns.get(key) === mine) turns.delete(key);
  }
}

// Writes file whole: to a name beside it (listings take only names ending in "._S3rver_object"), renamed over it.
async function writeAtomically(file, content) {
  const temporary = beside(file);
  await fs.promises.writeFile(temporary, content);
  await fs.promises.rename(temporary, file);
}

function beside(file) {
  return `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
}

// The fifth: koa's router answers HEAD with the GET route, so s3rver answers HeadBucket (the Minio SDK's BucketExists,
// which it also sends before each GetObject) by listing the bucket: a walk of every object's files. MinIO answers it from
// the bucket alone. At a soak's 1600 artifacts each HEAD took seconds and held the event loop for every other request.
const bucketController = require('s3rver/lib/controllers/bucket');
const listBucket = bucketController.getBucket;
bucketController.getBucket = async function headOrListBucket(ctx) {
  // The route has checked that the bucket exists (404 NoSuchBucket otherwise).
  if (ctx.method === 'HEAD') {
    ctx.status = 200;
    return;
  }
  return listBucket.call(this, ctx);
};

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.env.S3RVER_PORT || 0),
  directory,
  silent: true,
  // Requests reach s3rver signed with its own key by the proxy, which has checked the client's signature.
  allowMismatchedSignatures: true,
  vhostBuckets: false,
});

server.run().then(
  address => console.log(`s3rver http://127.0.0.1:${address.port}`),
  error => {
    console.error(error);
    process.exit(1);
  },
);

const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The sandbox keeps stdin open; when it goes away without stopping us, so do we.
process.stdin.on('end', stop);
process.stdin.resume();
