#!/usr/bin/env python3
"""CPU seconds by component, for profiling a bench phase:
    bench/cpu.py snap FILE          -- cumulative CPU of every process now
    bench/cpu.py diff [--add NAME=SECONDS] [--per WORD] BEFORE AFTER N [IDLE_BEFORE IDLE_AFTER]
        -- CPU spent between the two, in total and per item (N items: messages, or the WORD given); BEFORE and AFTER may be lists
           (comma-separated, paired in order: the measured rounds of a run, summed); with two snapshots of an idle
           period, also what each component spends idle (timers, health checks, relays' polls) over
           the same length of time, so that the work per item can be read net of it
Processes still running at both snapshots only (PostgreSQL backends of a pool live that long); --add counts one
that has exited by the second snapshot (wrk, timed by the caller)."""
import json, os, sys, time

def component(args):
    line = " ".join(args)
    if args and os.path.basename(args[0]) == "wrk": return "wrk (load generator)"
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
    out["_t"] = time.time()
    return out

def spent(before, after):
    total = {}
    for pid, p in after.items():
        if pid != "_t" and pid in before:
            total[p["c"]] = total.get(p["c"], 0) + p["s"] - before[pid]["s"]
    return total, after["_t"] - before["_t"]

if sys.argv[1] == "snap":
    json.dump(snap(), open(sys.argv[2], "w"))
else:
    load = lambda f: json.load(open(f))
    total, seconds, per = {}, 0.0, "message"
    while sys.argv[2] in ("--add", "--per"):
        if sys.argv[2] == "--per":
            per = sys.argv[3]
        else:
            name, value = sys.argv[3].rsplit("=", 1)
            total[name] = total.get(name, 0) + float(value)
        del sys.argv[2:4]
    for b, a in zip(sys.argv[2].split(","), sys.argv[3].split(","), strict=True):
        part, part_seconds = spent(load(b), load(a))
        for c, s in part.items(): total[c] = total.get(c, 0) + s
        seconds += part_seconds
    n = int(sys.argv[4])
    print(f"Over {seconds:.1f} s between the snapshots: {os.cpu_count()} cores give {os.cpu_count() * seconds:.1f} CPU s.")
    print()
    idle = {}
    if len(sys.argv) > 6:
        idle_total, idle_seconds = spent(load(sys.argv[5]), load(sys.argv[6]))
        idle = {c: s / idle_seconds * seconds for c, s in idle_total.items()}
        print(f"| component | CPU s | CPU ms per {per} | of which idle | net ms per {per} |")
        print("|---|---:|---:|---:|---:|")
    else:
        print(f"| component | CPU s | CPU ms per {per} |")
        print("|---|---:|---:|")
    rows = sorted(total.items(), key=lambda kv: -kv[1])
    for c, s in rows + [("all", sum(total.values()))]:
        if s < 0.05: continue
        i = sum(idle.values()) if c == "all" else idle.get(c, 0)
        extra = f" {1000 * i / n:.2f} | {1000 * (s - i) / n:.2f} |" if idle else ""
        print(f"| {c} | {s:.1f} | {1000 * s / n:.2f} |{extra}")
