"""Benchmark: a seeded discrete-event simulation of an 8-hour shift driving the real pacing code
(`dialer.pacing.calls_to_launch`), progressive against predictive (and a fixed ratio for reference), with the
reference figures of shared/reference/dialer.md. Ratios are against progressive measured in the same run.

    python bench/dialer_sim.py                       # 20 and 50 agents, seeds 1-3
    python bench/dialer_sim.py --agents 20 --seeds 1 --hours 2 --json

Inputs: human 25%, machine 20% (3 s detection after answer), busy 5% (5 s), no answer 50% (25 s); answer delay
uniform 3-20 s; talk exponential mean 150 s; wrap-up 20 s; an answered person not with an agent within 2 s is
abandoned. Occupancy = (talk + wrap) / logged-in time; abandon rate = abandoned / live answers.
A second scenario drops the human share from 25% to 10% at mid-shift (machine and busy unchanged).
Targets: abandon <= 3% in every predictive run; predictive occupancy >= 85% (20 agents), >= 92% (50).
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialer.pacing import Budget, Floor, LiveStats, calls_to_launch  # noqa: E402

ABANDON_AFTER = 2.0
WRAP = 20.0
TALK_MEAN = 150.0
PACER_INTERVAL = 2.0
LIMIT = 0.03
RECENT = 300  # dials the live answer rate is measured on


@dataclass
class Shift:
    """One simulated shift; `run` returns its figures."""

    agents: int
    mode: str
    seed: int
    hours: float = 8.0
    human_share_after_half: float | None = None
    fixed_ratio: float = 2.0
    events: list = field(default_factory=list)

    def run(self) -> dict:
        rng = random.Random(self.seed)
        end = self.hours * 3600
        free, talking, wrapping = self.agents, 0, {}  # wrapping: agent token -> wrap end time
        in_progress, waiting = 0, []  # waiting: answer times of people waiting for an agent
        busy_seconds = talk_seconds = 0.0
        dials = humans = abandoned = 0
        recent: list[int] = []
        answer_delays: list[float] = []
        token = 0
        queue: list = [(0.0, 0, "pace", None)]
        seq = 1

        def push(at, kind, data=None):
            nonlocal seq
            heapq.heappush(queue, (at, seq, kind, data))
            seq += 1

        def connect(now):
            nonlocal free, talking, talk_seconds, busy_seconds, token
            talk = rng.expovariate(1 / TALK_MEAN)
            free -= 1
            talking += 1
            counted = max(0.0, min(now + talk + WRAP, end) - now)
            busy_seconds += counted
            talk_seconds += max(0.0, min(now + talk, end) - now)
            push(now + talk, "hangup")

        def agent_free(now):
            nonlocal free
            free += 1
            while waiting and free:
                answered = waiting.pop(0)
                if now - answered <= ABANDON_AFTER:
                    connect(now)

        while queue:
            now, _, kind, data = heapq.heappop(queue)
            if now >= end:
                break
            if kind == "pace":
                human_p = 0.25 if self.human_share_after_half is None or now < end / 2 else self.human_share_after_half
                finishing = sum(1 for t in wrapping.values() if t - now <= 6.0)
                floor = Floor(ready=free, finishing=finishing, talking=talking,
                              in_progress=in_progress, waiting=len(waiting))
                if self.mode == "fixed":
                    launch = max(0, round(self.fixed_ratio * (floor.ready + floor.finishing)) - in_progress)
                else:
                    rate = sum(recent) / len(recent) if recent else 0.25
                    stats = LiveStats(answer_rate=rate, samples=len(recent),
                                      answer_seconds=sum(answer_delays[-RECENT:]) / len(answer_delays[-RECENT:])
                                      if answer_delays else 11.5, handle_seconds=TALK_MEAN + WRAP)
                    budget = Budget(rate=abandoned / humans if humans else 0.0, limit=LIMIT)
                    launch = calls_to_launch(self.mode, floor, stats, budget).launch
                for _ in range(launch):
                    dials += 1
                    in_progress += 1
                    draw = rng.random()
                    machine_p, busy_p = 0.20, 0.05
                    delay = rng.uniform(3, 20)
                    if draw < human_p:
                        push(now + delay, "human", delay)
                    elif draw < human_p + machine_p:
                        push(now + delay + 3, "ended", 0)
                    elif draw < human_p + machine_p + busy_p:
                        push(now + 5, "ended", 0)
                    else:
                        push(now + 25, "ended", 0)
                push(now + PACER_INTERVAL, "pace")
            elif kind == "ended":
                in_progress -= 1
                recent.append(0)
            elif kind == "human":
                in_progress -= 1
                recent.append(1)
                answer_delays.append(data)
                humans += 1
                if free > 0:
                    connect(now)
                else:
                    waiting.append(now)
                    push(now + ABANDON_AFTER, "give_up", now)
            elif kind == "give_up":
                if data in waiting:
                    waiting.remove(data)
                    abandoned += 1
            elif kind == "hangup":
                talking -= 1
                token += 1
                wrapping[token] = now + WRAP
                push(now + WRAP, "wrapped", token)
            elif kind == "wrapped":
                del wrapping[data]
                agent_free(now)
            del recent[:-RECENT]
        logged_in = self.agents * end
        return {
            "agents": self.agents, "mode": self.mode, "seed": self.seed, "dials": dials, "humans": humans,
            "abandoned": abandoned, "abandon_rate": abandoned / humans if humans else 0.0,
            "occupancy": busy_seconds / logged_in,
            "talk_minutes_per_hour": talk_seconds / 60 / self.agents / self.hours,
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--fixed-ratio", type=float, default=2.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows, ok = [], True
    for agents in args.agents:
        for seed in args.seeds:
            for scenario, drop in (("steady", None), ("drop", 0.10)):
                base = Shift(agents, "progressive", seed, args.hours, drop).run()
                for mode in ("progressive", "fixed", "predictive"):
                    result = base if mode == "progressive" else Shift(agents, mode, seed, args.hours, drop,
                                                                       args.fixed_ratio).run()
                    result |= {"scenario": scenario,
                               "occupancy_ratio": result["occupancy"] / base["occupancy"],
                               "talk_ratio": result["talk_minutes_per_hour"] / base["talk_minutes_per_hour"]}
                    if mode == "predictive":
                        target = 0.85 if agents <= 20 else 0.92
                        result["pass"] = result["abandon_rate"] <= LIMIT and (
                            scenario == "drop" or result["occupancy"] >= target)
                        ok &= result["pass"]
                    rows.append(result)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(f"{'agents':>6} {'scenario':>8} {'seed':>4} {'mode':>11} {'occupancy':>9} {'x prog':>7} "
              f"{'talk min/h':>10} {'x prog':>7} {'abandon':>8} {'dials':>6}  result")
        for r in rows:
            verdict = "" if "pass" not in r else ("PASS" if r["pass"] else "FAIL")
            print(f"{r['agents']:>6} {r['scenario']:>8} {r['seed']:>4} {r['mode']:>11} {r['occupancy']:>9.1%} "
                  f"{r['occupancy_ratio']:>7.2f} {r['talk_minutes_per_hour']:>10.1f} {r['talk_ratio']:>7.2f} "
                  f"{r['abandon_rate']:>8.2%} {r['dials']:>6}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
