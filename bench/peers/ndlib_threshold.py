"""The linear threshold rule in NDlib against Uptake's, on the same graph,
thresholds and initial adopters: the adopters after every tick must agree
exactly.

Writes a Watts-Strogatz graph (networkx, degree 8, rewiring 0.1), thresholds
(uniform on [0, 0.5), seeded) and initial adopters (3%, seeded) as a firms
file and an edges file, runs `uptake run` on a threshold scenario reading
them, and NDlib's ThresholdModel on the same graph; compares the adopters
tick by tick. Then times NDlib's iterations (firm-ticks per second; building
the graph excluded), to set beside `uptake bench --rule threshold`.

    python ndlib_threshold.py UPTAKE FIRMS TICKS   # prints "firms ticks seconds agree"
"""

import csv
import os
import random
import subprocess
import sys
import tempfile
import time

import networkx as nx
import ndlib.models.ModelConfig as mc
import ndlib.models.epidemics as ep


def make_case(firms, seed=1):
    graph = nx.watts_strogatz_graph(firms, 8, 0.1, seed=seed)
    rng = random.Random(seed)
    thresholds = [rng.random() * 0.5 for _ in range(firms)]
    seeds = sorted(rng.sample(range(firms), max(1, round(0.03 * firms))))
    return graph, thresholds, seeds


def uptake_counts(uptake, graph, thresholds, seeds, ticks):
    """Adopters after each tick, from uptake run's series.csv."""
    with tempfile.TemporaryDirectory() as work:
        seeded = set(seeds)
        with open(os.path.join(work, "firms.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "threshold", "stage"])
            for i, t in enumerate(thresholds):
                # repr: the shortest text that reads back as the same double.
                w.writerow([i, repr(t), "adopted" if i in seeded else "unaware"])
        with open(os.path.join(work, "edges.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source", "target"])
            w.writerows(graph.edges())
        with open(os.path.join(work, "threshold.lua"), "w") as f:
            f.write(
                'return scenario {\n'
                f'  name = "ndlib-threshold", ticks = {ticks}, seed = 1,\n'
                '  firms = { file = "firms.csv" },\n'
                '  network = { kind = "edges", file = "edges.csv" },\n'
                '  model = { rule = "threshold" },\n'
                '}\n')
        subprocess.run([uptake, "run", os.path.join(work, "threshold.lua"), "--out", os.path.join(work, "out")],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(work, "out", "series.csv")) as f:
            return [int(float(row["adopters"])) for row in csv.DictReader(f)]


def ndlib_counts(graph, thresholds, seeds, ticks):
    """Adopters after each tick from NDlib, and the seconds its iterations took."""
    model = ep.ThresholdModel(graph)
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", seeds)
    for node, t in enumerate(thresholds):
        config.add_node_configuration("threshold", node, t)
    model.set_initial_status(config)
    start = time.perf_counter()
    model.iteration()  # NDlib's first iteration returns the initial status
    counts = []
    for _ in range(ticks):
        result = model.iteration(node_status=False)
        counts.append(result["node_count"][1])
    return counts, time.perf_counter() - start


def main():
    uptake, firms, ticks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    graph, thresholds, seeds = make_case(firms)
    ours = uptake_counts(uptake, graph, thresholds, seeds, ticks)
    theirs, seconds = ndlib_counts(graph, thresholds, seeds, ticks)
    agree = ours == theirs
    if not agree:
        first = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b) if len(ours) == len(theirs) else -1
        print(f"DISAGREE at tick {first}: uptake {ours[:12]} ndlib {theirs[:12]}", file=sys.stderr)
    print(firms, ticks, f"{seconds:.4f}", "agree" if agree else "DISAGREE")
    sys.exit(0 if agree else 1)


if __name__ == "__main__":
    main()
