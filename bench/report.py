#!/usr/bin/env python3
"""Turns one bench/run.sh output folder into the markdown table docs/PERFORMANCE.md quotes."""
import functools, json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1])

if (out / "probe.txt").exists():
    probes = (out / "probe.txt").read_text().split()
    print(f"Machine speed: a fixed single-threaded loop took {' s, then '.join(probes)} s (before the services started, after the last run).")
    print()

def merged(rows, q):
    """The q-th percentile of all requests of the rows, from their wrk histograms (0.1 ms buckets)."""
    counts = {}
    for r in rows:
        for part in r["hist"].split():
            bucket, count = part.split(":")
            counts[int(bucket)] = counts.get(int(bucket), 0) + int(count)
    total, seen = sum(counts.values()), 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= q / 100 * total:
            return (bucket + 1) / 10  # the bucket's upper edge, in ms
    return float("nan")

@functools.cache  # each run's figures are read once, whether as a row or as a baseline
def http(name):
    rows = [json.loads(l) for l in (out / f"{name}.jsonl").read_text().splitlines() if l.strip()]
    rps = sum(r["requests"] / r["seconds"] for r in rows)
    # Each replica's wrk saw a quarter of the connections: the percentiles of all requests come from their
    # merged histograms, and the worst of the four p99s is shown beside them (older runs have that alone).
    if all("hist" in r for r in rows):
        p50, p99 = merged(rows, 50), merged(rows, 99)
    else:
        p50, p99 = sorted(r["p50_ms"] for r in rows)[len(rows) // 2], max(r["p99_ms"] for r in rows)
    worst = max(r["p99_ms"] for r in rows)
    bad = sum(r["errors"] + r["non2xx"] for r in rows)
    return rps, p50, p99, worst, bad

def idle(name):
    """The cores' mean idle share over a measured run, from vmstat (its first line counts since boot)."""
    path = out / f"{name}.vmstat.txt"
    if not path.exists():
        return "—"
    lines = [l.split() for l in path.read_text().splitlines()]
    header = next(l for l in lines if "id" in l)
    rows = [l for l in lines if l and l[0].isdigit()][1:]
    return f"{statistics.mean(int(r[header.index('id')]) for r in rows):.0f}%" if rows else "—"

def report_http():
    # The one-process baseline is measured before the results list, between it and one result, and after
    # registration (since 08:00 on 2026-12-02; older runs have the first alone): each endpoint is read against the
    # mean of the two either side of it.
    bases = {n: http(n) for n in ("baseline", "baseline-mid", "baseline-end") if (out / f"{n}.jsonl").exists()}
    first = bases["baseline"][0]
    mid = bases.get("baseline-mid", bases["baseline"])[0]
    end = bases.get("baseline-end", bases.get("baseline-mid", bases["baseline"]))[0]
    bracketed = len(bases) > 1
    print("| HTTP, 64 connections | req/s | p50 ms | p99 ms | p99 ms, worst wrk (replica) | errors / non-2xx | vs raw baseline"
          + (" (mean of the two beside it)" if bracketed else "") + " | cores idle |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    def row(name, label, against):
        rps, p50, p99, worst, bad = http(name)
        worst_text = "—" if name.startswith("baseline") and name != "baseline-4" else f"{worst:.1f}"
        ratio = ("baseline" if bracketed else "100%") if against is None else f"{100 * rps / against:.0f}%"
        print(f"| {label} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {worst_text} | {bad} | {ratio} | {idle(name)} |")
    row("baseline", "raw Npgsql baseline (1 process)" + (", first" if bracketed else ""), None)
    before_mid = (first + mid) / 2
    if (out / "baseline-4.jsonl").exists():
        row("baseline-4", "raw Npgsql baseline (4 processes, as the replicas)", before_mid)
    for name, label, against in [("results-list", "GET /api/v1/results (4 replicas)", before_mid),
                                 ("results-list-one-replica", "GET /api/v1/results (1 replica, all 64 connections)", before_mid),
                                 ("baseline-mid", "raw Npgsql baseline (1 process), second", None),
                                 ("result-one", "GET /api/v1/results/{id}", (mid + end) / 2),
                                 ("kit-registration", "POST /api/v1/kits/registrations", (mid + end) / 2),
                                 ("baseline-end", "raw Npgsql baseline (1 process), third", None)]:
        if (out / f"{name}.jsonl").exists():
            row(name, label, against)
    if bracketed:
        print()
        print(f"The one-process baseline's three measurements: {first:,.0f}, {mid:,.0f} and {end:,.0f} req/s.")
    if (out / "baseline-4.jsonl").exists() and (out / "results-list.jsonl").exists():
        # Like for like: the same four processes on the same two cores, without the API's work. What the
        # four-process baseline loses against the one-process one is what four processes cost on two cores.
        four = http("baseline-4")[0]
        print()
        print(f"Like for like, against the raw baseline spread over four processes as the replicas are ({four:,.0f} req/s, "
              f"measured just before them): the results list from four replicas {100 * http('results-list')[0] / four:.0f}%.")
    print()

if (out / "baseline.jsonl").exists():
    report_http()
if "--http-only" in sys.argv:
    sys.exit(0)
def last(name):
    return json.loads((out / name).read_text().strip().splitlines()[-1])

if (out / "ingest-1.json").exists():
    # Rounds: baseline 0, LIS 1, baseline 1, LIS 2, …: each LIS round against the mean of the baselines beside it.
    rounds = []
    while (out / f"ingest-{len(rounds) + 1}.json").exists():
        r = len(rounds) + 1
        rounds.append((last(f"ingest-baseline-{r - 1}.json"), last(f"ingest-{r}.json"), last(f"ingest-baseline-{r}.json")))
    print("| Ingestion, 2 consumers, by round | messages | baseline before, per second | ORU^R01 → committed result, per second | baseline after, per second | vs the baselines beside it |")
    print("|---|---:|---:|---:|---:|---:|")
    ratios = []
    for i, (before, ing, after) in enumerate(rounds, 1):
        ratio = 100 * ing["per_second"] / ((before["per_second"] + after["per_second"]) / 2)
        ratios.append(ratio)
        print(f"| round {i} | {ing['messages']:,} | {before['per_second']:,.0f} | {ing['per_second']:,.0f} | {after['per_second']:,.0f} | {ratio:.0f}% |")
    lis = sum(i["messages"] for _, i, _ in rounds) / sum(i["total_seconds"] for _, i, _ in rounds)
    bases = [rounds[0][0]] + [a for _, _, a in rounds]
    base = sum(b["messages"] for b in bases) / sum(b["total_seconds"] for b in bases)
    print(f"| all rounds | {sum(i['messages'] for _, i, _ in rounds):,} | {base:,.0f} (every baseline) | {lis:,.0f} | | median {statistics.median(ratios):.0f}% ({min(ratios):.0f}–{max(ratios):.0f}%) |")
else:
    # Runs before the rounds: one measured run between a baseline before and one after (the oldest: before only).
    ib = last("ingest-baseline.json")
    ing = last("ingest.json")
    bases = [ib] + ([last("ingest-baseline-after.json")] if (out / "ingest-baseline-after.json").exists() else [])
    mean = sum(b["per_second"] for b in bases) / len(bases)
    print("| Ingestion, 2 consumers | messages | seconds | per second | vs baseline |")
    print("|---|---:|---:|---:|---:|")
    for b, when in zip(bases, ["before", "after"] if len(bases) > 1 else [""]):
        label = f"baseline{' (' + when + ')' if when else ''}: consume + insert one row"
        print(f"| {label} | {b['messages']:,} | {b['total_seconds']} | {b['per_second']:,.0f} | {100 * b['per_second'] / mean:.0f}% |")
    ratios = " / ".join(f"{100 * ing['per_second'] / b['per_second']:.0f}%" for b in bases)
    extra = f" (against each: {ratios})" if len(bases) > 1 else ""
    print(f"| ORU^R01 → committed result (consumer-lis-testresult ×2) | {ing['messages']:,} | {ing['total_seconds']} | {ing['per_second']:,.0f} | {100 * ing['per_second'] / mean:.0f}%{extra} |")

e2e = json.loads((out / "e2e.json").read_text().strip().splitlines()[-1])
print()
print(f"| End to end at a steady {e2e['rate']}/s (LIS publish → …) | messages | p50 ms | p99 ms | max ms |")
print("|---|---:|---:|---:|---:|")
print(f"| … result released in the database (every message, watched every 10 ms) | {e2e['messages']:,} | {e2e['p50_ms']} | {e2e['p99_ms']} | {e2e['max_ms']} |")
print(f"| … result in the patient's list through the API (1 in 10, polled every 20 ms) | {e2e['api_sampled']:,} | {e2e['api_p50_ms']} | {e2e['api_p99_ms']} | {e2e['api_max_ms']} |")
if e2e.get("unseen") or e2e.get("api_unseen"):
    print()
    print(f"**Not seen within a minute of the last publish: {e2e['unseen']} in the database, {e2e['api_unseen']} through the API** (counted as infinitely late).")
