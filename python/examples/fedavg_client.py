#!/usr/bin/python3
"""A FedAvg client in Python (numpy), for the federation of ``./fedstream demo``.

It joins a federation started with ``./fedstream demo --python-clients N`` (or ``--remote``) as
one of its clients: it waits for the federation's start request, then for each ``train`` message
trains the model it names on its own shard with mini-batch SGD and sends ``update`` back, until the
server says ``stop``. The wire format is docs/demo.md's ("Wire format"); the start and end of a
remote node are the federation layer's (docs/federation.md). The shard file is what the demo writes
for it: int32 count, count x 784 pixels (uint8), count labels (uint8), little-endian.

    /usr/bin/python3 python/examples/fedavg_client.py --bootstrap HOST:PORT --registry URL \\
        --namespace NS --id client-3 --shard shard-3.bin
"""

import argparse
import os
import queue
import sys
import threading
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from fedstream import Node, Payload, TimeoutError  # noqa: E402

FLOAT32 = "application/vnd.fedstream.float32-le"
REMOTE_GROUP = "federation-nodes"
INPUTS, CLASSES = 784, 10


def load_shard(path):
    with open(path, "rb") as f:
        n = int(np.frombuffer(f.read(4), dtype="<i4")[0])
        x = np.frombuffer(f.read(n * INPUTS), dtype=np.uint8).reshape(n, INPUTS)
        y = np.frombuffer(f.read(n), dtype=np.uint8)
    return x.astype(np.float32) / 255.0, y.astype(np.int64)


def split(params, model):
    """The parameter vector as the Java model lays it out (row-major, input-major)."""
    if model == "logreg":
        w = params[:INPUTS * CLASSES].reshape(INPUTS, CLASSES)
        return [w, params[INPUTS * CLASSES:]]
    hidden = (params.size - CLASSES) // (INPUTS + 1 + CLASSES)
    o = 0
    parts = []
    for shape in ((INPUTS, hidden), (hidden,), (hidden, CLASSES), (CLASSES,)):
        size = int(np.prod(shape))
        parts.append(params[o:o + size].reshape(shape))
        o += size
    return parts


def loss_and_gradient(parts, model, x, y):
    """Mean softmax cross-entropy of a batch and its gradient, per part."""
    n = x.shape[0]
    if model == "logreg":
        w, b = parts
        hidden, logits = None, x @ w + b
    else:
        w1, b1, w2, b2 = parts
        pre = x @ w1 + b1
        hidden = np.maximum(pre, 0)
        logits = hidden @ w2 + b2
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    loss = float(-np.log(p[np.arange(n), y] + 1e-12).mean())
    d = p
    d[np.arange(n), y] -= 1
    d /= n
    if model == "logreg":
        return loss, [x.T @ d, d.sum(axis=0)]
    dh = (d @ w2.T) * (pre > 0)
    return loss, [x.T @ dh, dh.sum(axis=0), hidden.T @ d, d.sum(axis=0)]


def train(params, model, x, y, epochs, batch, lr, seed):
    """Plain mini-batch SGD, as the Java clients run it; returns the mean loss of the last epoch."""
    parts = split(params, model)
    rng = np.random.default_rng(seed)
    epoch_loss = 0.0
    for _ in range(epochs):
        order = rng.permutation(len(y))
        epoch_loss = 0.0
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            loss, grads = loss_and_gradient(parts, model, x[idx], y[idx])
            epoch_loss += loss * len(idx)
            for part, g in zip(parts, grads):
                part -= lr * g.astype(np.float32)
    return epoch_loss / len(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--registry", required=True)
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--shard", required=True)
    ap.add_argument("--start-timeout", type=float, default=300)
    a = ap.parse_args()
    x, y = load_shard(a.shard)
    started = queue.Queue()

    def on_start(request):
        started.put(request)
        return {}

    with Node(a.bootstrap, a.registry, a.namespace, a.id, groups=[REMOTE_GROUP]) as node:
        node.serve("federation.start", on_start)
        node.serve("federation.stop", lambda request: started.put(None) or {})
        print("python client %s (%d examples) is present in %s; waiting for the federation to start it"
              % (a.id, len(y), a.namespace), flush=True)
        start = started.get(timeout=a.start_timeout)
        run = start.attributes["federation.run"]
        server = start.attributes["federation.server"]
        answered = 0
        while True:
            try:
                m = node.receive(timeout=1.0)
            except TimeoutError:
                if not started.empty():
                    break  # federation.stop
                continue
            if m.attributes.get("federation.run") not in (None, run):
                continue
            if m.tag == "stop":
                break
            if m.tag != "train":
                continue
            t0 = time.perf_counter_ns()
            weights = m.payload("weights")
            params = np.frombuffer(weights.read(), dtype="<f4").copy()
            loss = train(params, m.args["model"], x, y, int(m.args["epochs"]), int(m.args["batch"]),
                         float(m.args["lr"]), int(m.args["seed"]))
            compute = time.perf_counter_ns() - t0
            node.send(server, "update", {"round": m.args["round"], "examples": int(len(y)), "loss": float(loss),
                                         "computeNanos": int(compute)},
                      payloads=[Payload("weights", params.astype("<f4").tobytes(), FLOAT32)],
                      attributes={"federation.run": run, "federation.body": "map"})
            answered += 1
        node.send("%s.federation" % server, "federation.done", {}, attributes={"federation.run": run})
        print("python client %s answered %d rounds" % (a.id, answered), flush=True)


if __name__ == "__main__":
    main()
