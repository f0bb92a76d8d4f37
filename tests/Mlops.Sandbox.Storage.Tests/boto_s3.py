"""botocore against the sandbox's s3 stand-in, one operation per call: the client MLflow itself uses for s3://.

Usage: python3 boto_s3.py '<json>' with endpoint, access_key, secret_key, op and the op's fields.
Prints one JSON object: {"ok": true, ...} or {"ok": false, "code": ..., "message": ...}.
"""
import json
import sys

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

args = json.loads(sys.argv[1])
s3 = boto3.client(
    "s3",
    endpoint_url=args["endpoint"],
    aws_access_key_id=args["access_key"],
    aws_secret_access_key=args["secret_key"],
    region_name="us-east-1",
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
op = args["op"]
bucket = args.get("bucket")
key = args.get("key")
try:
    if op == "create_bucket":
        s3.create_bucket(Bucket=bucket)
        out = {}
    elif op == "put":
        out = {"etag": s3.put_object(Bucket=bucket, Key=key, Body=args["body"].encode())["ETag"]}
    elif op == "get":
        out = {"body": s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()}
    elif op == "head":
        head = s3.head_object(Bucket=bucket, Key=key)
        out = {"etag": head["ETag"], "size": head["ContentLength"]}
    elif op == "list":
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=args.get("prefix", ""))
        out = {"objects": [{"key": o["Key"], "etag": o["ETag"], "size": o["Size"]} for o in listed.get("Contents", [])]}
    elif op == "upload_file":
        config = TransferConfig(multipart_threshold=args["threshold"], multipart_chunksize=args["chunk"], use_threads=False)
        s3.upload_file(args["path"], bucket, key, Config=config)
        out = {}
    elif op == "presign":
        out = {"url": s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)}
    elif op == "delete":
        s3.delete_object(Bucket=bucket, Key=key)
        out = {}
    else:
        raise SystemExit(f"unknown op {op}")
    print(json.dumps({"ok": True, **out}))
except botocore.exceptions.ClientError as error:
    print(json.dumps({"ok": False, "code": error.response["Error"]["Code"], "message": str(error)}))
