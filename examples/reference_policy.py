#!/usr/bin/env python3
"""A reference ranking service for AkkaFakeUsers' external policies (external:NAME), with no dependency beyond Python 3.

It learns a like rate per user x topic from an impression log exported with `afu export --format obd` (obd.csv:
user_id, item_interest, liked), smoothed towards the topic's rate and the global rate, and serves a score per candidate:

    score = rate(user, topic) + 0.02 * followed + 0.004 * log(1 + likes) - 0.0005 * age_hours

The feed's own sampler turns the scores into the slate, so the logged propensities stay exact whatever this returns.
Request and response: docs/external-policy.schema.json. Start from here: replace `Model.score` with your model.

    python3 examples/reference_policy.py train obd/obd.csv --model model.json
    python3 examples/reference_policy.py serve --model model.json --port 8000
    # then: afu run --feed-policy external:ref ... with AFU__FEED__EXTERNAL__REF__URL=http://127.0.0.1:8000/score
"""
import argparse
import csv
import json
import math
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Model:
    """Like rate per (user, topic), shrunk towards the topic's rate (weight `prior` impressions), which is shrunk towards the global rate."""

    def __init__(self, users=None, topics=None, global_rate=0.0, prior=20.0):
        self.users = users or {}    # user -> topic -> [likes, shown]
        self.topics = topics or {}  # topic -> [likes, shown]
        self.global_rate = global_rate
        self.prior = prior

    @staticmethod
    def train(obd_csv, prior=20.0):
        users, topics, likes, shown = {}, {}, 0, 0
        with open(obd_csv, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = {"user_id", "item_interest", "liked"} - set(reader.fieldnames or [])
            if missing:
                raise SystemExit(f"{obd_csv}: no column {', '.join(sorted(missing))}: export it with `afu export --format obd`")
            for row in reader:
                liked = 1 if row["liked"] == "1" else 0
                topic = row["item_interest"]
                u = users.setdefault(row["user_id"], {}).setdefault(topic, [0, 0])
                t = topics.setdefault(topic, [0, 0])
                u[0] += liked
                u[1] += 1
                t[0] += liked
                t[1] += 1
                likes += liked
                shown += 1
        if shown == 0:
            raise SystemExit(f"{obd_csv}: no impressions")
        return Model(users, topics, likes / shown, prior)

    def topic_rate(self, topic):
        likes, shown = self.topics.get(topic, (0, 0))
        return (likes + self.prior * self.global_rate) / (shown + self.prior)

    def rate(self, user, topic):
        likes, shown = self.users.get(user, {}).get(topic, (0, 0))
        return (likes + self.prior * self.topic_rate(topic)) / (shown + self.prior)

    def score(self, request):
        user = request["user_id"]
        scores = {}
        for c in request["candidates"]:
            s = self.rate(user, c["interest"])
            s += 0.02 * (1 if c["followed"] else 0) + 0.004 * math.log1p(c["likes"]) - 0.0005 * c["age_hours"]
            scores[c["post_id"]] = s
        return scores

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"users": self.users, "topics": self.topics, "global_rate": self.global_rate, "prior": self.prior}, f)

    @staticmethod
    def load(path):
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
        return Model(m["users"], m["topics"], m["global_rate"], m["prior"])


def serve(model, host, port):
    lock = threading.Lock()
    counts = {"requests": 0, "bad": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the feed reuses its connections
        disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart (Nagle x delayed ACK)

        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                with lock:
                    self.reply(200, {"status": "ok", **counts})
            else:
                self.reply(404, {"error": "POST /score"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                request = json.loads(body)
                scores = model.score(request)
            except (ValueError, KeyError, TypeError) as e:
                with lock:
                    counts["bad"] += 1
                self.reply(400, {"error": f"bad request: {e}"})
                return
            with lock:
                counts["requests"] += 1
            self.reply(200, {"scores": scores})

    server = ThreadingHTTPServer((host, port), Handler)
    print(f"reference policy: serving on http://{host}:{server.server_address[1]}/score "
          f"({len(model.users)} users, {len(model.topics)} topics, global like rate {model.global_rate:.4f})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv):
    p = argparse.ArgumentParser(description="Reference ranking service for AkkaFakeUsers' external policies.")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="learn user x topic like rates from obd.csv")
    t.add_argument("obd_csv")
    t.add_argument("--model", required=True, help="where to write the model (JSON)")
    t.add_argument("--prior", type=float, default=20.0, help="impressions of shrinkage towards the topic's rate")
    s = sub.add_parser("serve", help="serve scores over HTTP")
    s.add_argument("--model", help="a model written by train")
    s.add_argument("--train", metavar="OBD_CSV", help="train on this obd.csv at start instead of --model")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000, help="0 = any free port (printed)")
    a = p.parse_args(argv)
    if a.command == "train":
        model = Model.train(a.obd_csv, a.prior)
        model.save(a.model)
        print(f"trained on {a.obd_csv}: {len(model.users)} users, {len(model.topics)} topics, global like rate {model.global_rate:.4f} -> {a.model}")
        return 0
    if bool(a.model) == bool(a.train):
        p.error("serve: give --model FILE or --train OBD_CSV")
    model = Model.load(a.model) if a.model else Model.train(a.train)
    serve(model, a.host, a.port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
