#!/usr/bin/env python3
"""The HTTP half of ./run.sh: applies the stack, starts the training run and follows the flow through the ops API.

Reads where everything is from <run dir>/endpoints and the ops token from <run dir>/secrets (what run.sh wrote), and
RabbitMQ's management API from RABBITMQ_MANAGEMENT_URL. Prints one line per saga transition of the flow, with the
service, the saga, the event, the states and how long the saga spent in the state it left, until the ModelPromoter
publishes ServingRolloutComplete for the flow's model; then prints `ServingRolloutComplete <model> <version>`.

Exit codes: 0 served; 1 a saga of the flow failed (its step and reason are printed) or time ran out; 2 bad usage.
"""
import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

SERVICES = ["provisioner", "training-coordinator", "model-promoter"]
FINAL_FAILURES = {"Failed", "Rejected", "Cancelled"}


def read_pairs(path):
    pairs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, value = line.partition(" ")
                pairs[name] = value.strip()
    return pairs


class Failure(Exception):
    """The flow failed: the message says which step and why."""


class Http:
    def __init__(self, token):
        self.token = token

    def call(self, method, url, body=None, content_type="application/json", headers=None, auth=None):
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if auth is not None:
            request.add_header("Authorization", auth)
        elif self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text and "json" in (response.headers.get("Content-Type") or "") else text)
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Broker:
    """A queue of our own bound to the exchange MassTransit publishes ServingRolloutComplete to, read through the management API."""

    EXCHANGE = "Mlops.Contracts:ServingRolloutComplete"

    def __init__(self, http, management_url, vhost):
        parsed = urllib.parse.urlsplit(management_url)
        self.base = f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 15672}"
        credentials = f"{urllib.parse.unquote(parsed.username or 'guest')}:{urllib.parse.unquote(parsed.password or 'guest')}"
        self.auth = "Basic " + base64.b64encode(credentials.encode()).decode()
        self.http = http
        self.vhost = urllib.parse.quote(vhost, safe="")
        self.queue = f"mlops-run-serving-complete-{uuid.uuid4().hex[:8]}"

    def _call(self, method, path, body=None):
        status, answer = self.http.call(method, self.base + path, body, auth=self.auth)
        if status >= 300:
            raise Failure(f"RabbitMQ management API {method} {path}: {status} {answer}")
        return answer

    def subscribe(self):
        exchange = urllib.parse.quote(self.EXCHANGE, safe="")
        # Declared as MassTransit declares a message type's exchange, so its own declaration later agrees.
        self._call("PUT", f"/api/exchanges/{self.vhost}/{exchange}", {"type": "fanout", "durable": True, "auto_delete": False})
        # Not durable, and gone ten minutes after the last read: nothing is left behind when run.sh stops.
        self._call("PUT", f"/api/queues/{self.vhost}/{self.queue}", {"durable": False, "auto_delete": False, "arguments": {"x-expires": 600000}})
        self._call("POST", f"/api/bindings/{self.vhost}/e/{exchange}/q/{self.queue}", {"routing_key": ""})

    def take(self):
        answer = self._call("POST", f"/api/queues/{self.vhost}/{self.queue}/get",
                            {"count": 50, "ackmode": "ack_requeue_false", "encoding": "auto", "truncate": 1000000})
        messages = []
        for item in answer:
            try:
                messages.append(json.loads(item["payload"])["message"])
            except (ValueError, KeyError, TypeError):
                continue
        return messages

    def remove(self):
        try:
            self._call("DELETE", f"/api/queues/{self.vhost}/{self.queue}")
        except Failure:
            pass


class Run:
    def __init__(self, args):
        self.args = args
        endpoints = read_pairs(os.path.join(args.run_dir, "endpoints"))
        secrets = read_pairs(os.path.join(args.run_dir, "secrets"))
        self.urls = {name: endpoints[name].rstrip("/") for name in SERVICES}
        self.http = Http(secrets["ops-token"])
        self.started = time.monotonic()
        self.seen = set()
        self.saga_marks = {}

    def elapsed(self):
        return time.monotonic() - self.started

    def say(self, text):
        print(text, flush=True)

    def apply_stack(self, path):
        with open(path, "rb") as f:
            body = f.read()
        status, answer = self.http.call("POST", f"{self.urls['provisioner']}/ops/stacks", body, content_type="application/yaml")
        if status not in (200, 202):
            raise Failure(f"POST /ops/stacks answered {status}: {json.dumps(answer)}")
        return answer

    def start_training(self, request):
        status, answer = self.http.call("POST", f"{self.urls['training-coordinator']}/ops/training", request)
        if status not in (200, 202):
            raise Failure(f"POST /ops/training answered {status}: {json.dumps(answer)}")
        return answer

    def stack(self, name):
        status, answer = self.http.call("GET", f"{self.urls['provisioner']}/ops/stacks/{name}")
        return answer if status == 200 else None

    def flow(self, service, flow_id):
        status, answer = self.http.call("GET", f"{self.urls[service]}/ops/flows/{flow_id}")
        if status != 200:
            raise Failure(f"GET {self.urls[service]}/ops/flows/{flow_id} answered {status}: {answer}")
        return answer

    def print_new_lines(self, flow_id, since):
        """Prints the flow's transitions not printed yet (those after `since`); raises Failure when a saga failed."""
        lines = []
        sagas = []
        for service in SERVICES:
            answer = self.flow(service, flow_id)
            sagas += [(service, s) for s in answer["sagas"]]
            lines += [(service, line) for line in answer["timeline"]]
        lines.sort(key=lambda pair: (parse_time(pair[1]["at"]), pair[1]["sequence"]))
        for service, line in lines:
            key = (service, line["sagaType"], line["sagaId"], line["sequence"])
            if key in self.seen:
                continue
            self.seen.add(key)
            at = parse_time(line["at"])
            saga = (service, line["sagaType"], line["sagaId"])
            previous = self.saga_marks.get(saga)
            if line.get("error") is None:
                self.saga_marks[saga] = at
            if at < since:
                continue
            took = f"{(at - previous).total_seconds():6.1f}s" if previous else "     -"
            moved = f"{line.get('fromState') or '-'} -> {line.get('toState') or '-'}"
            who = f" by {line['requestedBy']}" if line.get("requestedBy") else ""
            error = f"  error: {line['error']}" if line.get("error") else ""
            self.say(f"{self.elapsed():7.1f}s  {service:<20} {line['sagaType']:<26} {line['event']:<34} {moved:<44} {took}{who}{error}")
        for service, saga in sagas:
            failed = saga.get("failed")
            if failed:
                raise Failure(f"{service} {saga['sagaType']} {saga['id']} failed at step {failed.get('step')}: {failed.get('reason')}")
            if saga["state"] in FINAL_FAILURES and parse_time(saga["updatedAt"]) >= since:
                status, detail = self.http.call("GET", f"{self.urls[service]}/ops/sagas/{saga['id']}?type={saga['sagaType']}")
                last = (detail or {}).get("lastError") if status == 200 else None
                reason = f"{last.get('step') or last.get('event')}: {last.get('reason')}" if last else "no reason recorded"
                raise Failure(f"{service} {saga['sagaType']} {saga['id']} is {saga['state']}: {reason}")

    def follow_stack(self, name, flow_id, since, deadline):
        while True:
            self.print_new_lines(flow_id, since)
            status = self.stack(name)
            # The stack's saga may still be Ready from an earlier flow: only this flow's outcome counts.
            if status and status.get("flowId") != flow_id:
                status = None
            if status and status.get("ready"):
                self.print_new_lines(flow_id, since)
                return
            if status and status.get("failed"):
                raise Failure(f"provisioner StackState {name} failed at step {status['failed'].get('step')}: {status['failed'].get('reason')}")
            if time.monotonic() > deadline:
                raise Failure(f"stack {name} was not ready within {self.args.timeout} s (state {status and status.get('state')})")
            time.sleep(self.args.poll)

    def follow_serving(self, broker, flow_id, since, deadline):
        while True:
            self.print_new_lines(flow_id, since)
            for message in broker.take():
                if str(message.get("flowId")) == str(flow_id):
                    time.sleep(self.args.poll)
                    self.print_new_lines(flow_id, since)
                    return message
            if time.monotonic() > deadline:
                raise Failure(f"no ServingRolloutComplete for flow {flow_id} within {self.args.timeout} s")
            time.sleep(self.args.poll)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--stack-file", required=True)
    parser.add_argument("--stack-name", default="homelab")
    parser.add_argument("--training", required=True, help="the training request (JSON) for POST /ops/training")
    parser.add_argument("--vhost", required=True)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--poll", type=float, default=0.5)
    args = parser.parse_args()
    run = Run(args)
    deadline = time.monotonic() + args.timeout
    broker = Broker(run.http, os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672"), args.vhost)
    try:
        since = datetime.now(timezone.utc)
        broker.subscribe()
        applied = run.apply_stack(args.stack_file)
        run.say(f"Stack {args.stack_name}: applied {args.stack_file} (flow {applied['flowId']})")
        run.follow_stack(args.stack_name, applied["flowId"], since, deadline)
        run.say(f"Stack {args.stack_name} is ready.")

        request = json.loads(args.training)
        request.setdefault("trainingId", str(uuid.uuid4()))
        since = datetime.now(timezone.utc)
        started = run.start_training(request)
        run.say(f"Training {request.get('modelName', 'cnn_classifier')}: run {started['sagaId']} (flow {started['flowId']})")
        served = run.follow_serving(broker, started["flowId"], since, deadline)
        run.say(f"ServingRolloutComplete {served['modelName']} {served['version']}")
        run.say(f"FLOW {started['flowId']} {served['namespace']} {served['deploymentName']}")
        return 0
    except Failure as failure:
        print(f"FAILED after {run.elapsed():.1f}s: {failure}", flush=True)
        return 1
    except (urllib.error.URLError, OSError) as error:
        print(f"FAILED after {run.elapsed():.1f}s: a service could not be reached: {error}", flush=True)
        return 1
    finally:
        broker.remove()


if __name__ == "__main__":
    sys.exit(main())
