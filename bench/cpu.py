#!/usr/bin/env python3
"""CPU seconds by component, for profiling a bench phase:
    bench/cpu.py snap FILE          -- cumulative CPU of every process now
    bench/cpu.py diff BEFORE AFTER N  -- CPU spent between the two, in total and per item (N items)
Processes still running at both snapshots only (PostgreSQL backends of a pool live that long)."""
import json, os, sys

def component(args):
    line = " ".join(args)
    if "beam.smp" in line: return "RabbitMQ"
    if "postgres" in line: return "PostgreSQL"
    for name in ("Dtc.Api", "Dtc.Bench", "Dtc.Worker", "Dtc.Cron"):
        if name in line: return name
    if "Dtc.Consumers" in line:
        role = args[args.index("--role") + 1] if "--role" in args else "?"
        return f"Dtc.Consumers {role}"
    if "dotnet" in line: return "other dotnet"
    return "other"

def snap():
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open(f"/proc/{pid}/stat").read()
            args = open(f"/proc/{pid}/cmdline").read().split("\0")[:-1]
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        out[pid] = {"c": component(args or [stat[stat.index("(") + 1:stat.rindex(")")]]), "s": (int(fields[11]) + int(fields[12])) / tick}
    return out

if sys.argv[1] == "snap":
    json.dump(snap(), open(sys.argv[2], "w"))
else:
    before, after, n = json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), int(sys.argv[4])
    total = {}
    for pid, p in after.items():
        if pid in before:
            total[p["c"]] = total.get(p["c"], 0) + p["s"] - before[pid]["s"]
    print("| component | CPU s | CPU ms per message |")
    print("|---|---:|---:|")
    for c, s in sorted(total.items(), key=lambda kv: -kv[1]):
        if s >= 0.05: print(f"| {c} | {s:.1f} | {1000 * s / n:.2f} |")
