"""Mesa's batch_run on the same sweep as sweep.lua: the Bass model of
mesa_bass.py, 2,000 firms, 40 steps, 20 values of q x 10 iterations, on
JOBS processes, the adopters collected every step. Prints "runs seconds".
POINTS (default 20) takes the first POINTS values of q only, for a shorter
measurement of the same runs per second.

    python mesa_batch.py JOBS [POINTS]
"""

import os
import sys
import time

import mesa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from mesa_bass import BassModel  # noqa: E402


def main():
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    qs = [0.2 + 0.3 * (k + 0.5) / 20 for k in range(20)][:points]
    start = time.perf_counter()
    results = mesa.batch_run(
        BassModel, parameters={"firms": 2000, "q": qs}, iterations=10, max_steps=40,
        number_processes=jobs, data_collection_period=1, display_progress=False)
    seconds = time.perf_counter() - start
    runs = len({r["RunId"] for r in results})
    print(runs, f"{seconds:.3f}")


if __name__ == "__main__":
    main()
