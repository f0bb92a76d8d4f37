'use strict';
// Starts s3rver on a loopback port for the sandbox's MinIO stand-in and prints "s3rver http://127.0.0.1:PORT".
// The stand-in's proxy verifies every signature itself and forwards requests signed with s3rver's own key, so s3rver
// only stores. One correction is made here: an object completed from parts gets S3's multipart ETag
// ("<md5 of the parts' binary md5s>-<number of parts>") instead of the md5 of its content, in the answer to
// CompleteMultipartUpload, in HEAD and GET and in listings, as S3 and MinIO give it.
// Settings (environment): S3RVER_DIRECTORY (required), S3RVER_PORT (0 = free port).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const S3rver = require('s3rver');
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
  fs.writeFileSync(this.getResourcePath(bucket, key, 'object.md5'), etag);
  return { ...result, md5: etag };
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
