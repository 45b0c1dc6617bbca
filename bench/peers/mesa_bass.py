"""The network Bass rule in Mesa, as a Mesa user would write it.

Each firm is an Agent on a networkx Watts-Strogatz graph (degree 8, rewiring
0.1); each step, every firm that has not adopted adopts with probability
1 - exp(-(p + q * A)), A the adopted share of its neighbours at the start of
the step (decisions first, then applied: the synchronous update Uptake uses).
A DataCollector records the adopters after each step, as Uptake's series does.

    python mesa_bass.py FIRMS TICKS     # prints "firms ticks seconds adoption"

The seconds are those of the steps only (building the graph and agents is
excluded), so they compare with `uptake bench`'s tick-loop figure.
"""

import math
import sys
import time

import mesa
import networkx as nx


class Firm(mesa.Agent):
    def __init__(self, model, node):
        super().__init__(model)
        self.node = node
        self.adopted = False
        self.neighbours = []

    def decide(self):
        if self.adopted or not self.neighbours:
            self.adopts = False if self.adopted else self.random.random() < self.model.p_alone
            return
        share = sum(1 for f in self.neighbours if f.adopted) / len(self.neighbours)
        self.adopts = self.random.random() < 1 - math.exp(-(self.model.p + self.model.q * share))

    def apply(self):
        if self.adopts:
            self.adopted = True
            self.model.adopters += 1


class BassModel(mesa.Model):
    def __init__(self, firms=2000, p=0.003, q=0.3, degree=8, rewire=0.1, seed=1):
        super().__init__(seed=seed)
        self.p, self.q = p, q
        self.p_alone = 1 - math.exp(-p)
        self.adopters = 0
        graph = nx.watts_strogatz_graph(firms, degree, rewire, seed=seed)
        firms_by_node = {node: Firm(self, node) for node in graph.nodes}
        for node, firm in firms_by_node.items():
            firm.neighbours = [firms_by_node[m] for m in graph.neighbors(node)]
        self.datacollector = mesa.DataCollector(model_reporters={"adopters": "adopters"})

    def step(self):
        self.agents.do("decide")
        self.agents.do("apply")
        self.datacollector.collect(self)


def main():
    firms = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    ticks = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    model = BassModel(firms=firms)
    start = time.perf_counter()
    for _ in range(ticks):
        model.step()
    seconds = time.perf_counter() - start
    print(firms, ticks, f"{seconds:.4f}", f"{model.adopters / firms:.4f}")


if __name__ == "__main__":
    main()
