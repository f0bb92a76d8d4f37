'use strict';
// Starts s3rver on a loopback port for the sandbox's MinIO stand-in and prints "s3rver http://127.0.0.1:PORT".
// s3rver only knows its own access key (S3RVER), so the MinIO root credentials are registered as a second key pair:
// clients then sign with the credentials they would use against MinIO.
// Settings (environment): S3RVER_DIRECTORY (required), S3RVER_PORT (0 = free port), MINIO_ROOT_USER, MINIO_ROOT_PASSWORD.
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const directory = process.env.S3RVER_DIRECTORY;
if (!directory) {
  console.error('S3RVER_DIRECTORY is required');
  process.exit(2);
}
const user = process.env.MINIO_ROOT_USER || 'minioadmin';
const password = process.env.MINIO_ROOT_PASSWORD || 'minioadmin';
AWSAccount.DUMMY_ACCOUNT.createKeyPair(user, password);

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.env.S3RVER_PORT || 0),
  directory,
  silent: true,
  // The sandbox proxy in front rewrites Host; s3rver does not check SigV4 signatures anyway.
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
