#!/usr/bin/env python3
"""Writes report.md and report.json for tools/gpu/check.sh.

Usage: report.py OUT_DIR BUILD_DIR KIT_DIR OUTCOME

Exits 1 when OUTCOME is "ran" (a GPU was there) and a CUDA test did not
pass, skipped ones included.

Reads what check.sh left in OUT_DIR: machine.txt, steps.tsv, figures.tsv
(written by the CUDA tests), cuda-tests.xml (Catch2's XML reporter) and
bench.json (cmm-bench). Anything missing is reported as missing.
"""

import json
import os
import sys
import xml.etree.ElementTree as ET


def read_lines(path):
    try:
        with open(path) as f:
            return [line.rstrip("\n") for line in f if line.strip()]
    except OSError:
        return []


def read_steps(out):
    steps = []
    for line in read_lines(os.path.join(out, "steps.tsv")):
        name, rc, seconds = line.split("\t")
        steps.append({"step": name, "exit": int(rc), "seconds": float(seconds)})
    return steps


def read_figures(out):
    figures = []
    for line in read_lines(os.path.join(out, "figures.tsv")):
        name, value, unit = (line.split("\t") + ["", ""])[:3]
        figures.append({"name": name, "value": float(value), "unit": unit})
    return figures


def read_tests(out):
    path = os.path.join(out, "cuda-tests.xml")
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        return None, str(err)
    tests = []
    for case in root.iter("TestCase"):
        result = case.find("OverallResult")
        skipped = [w.text.strip() for w in case.iter("Warning")
                   if w.text and w.text.strip().startswith("SKIPPED:")]
        failures = []
        for expr in case.iter("Expression"):
            if expr.get("success") == "false":
                expanded = expr.findtext("Expanded", "").strip()
                original = expr.findtext("Original", "").strip()
                failures.append("line %s: %s (%s)" % (expr.get("line"),
                                                     original, expanded))
        for fail in case.iter("Failure"):
            failures.append("line %s: %s" % (fail.get("line"),
                                             (fail.text or "").strip()))
        for exc in case.iter("Exception"):
            failures.append("line %s: exception %s" % (exc.get("line"),
                                                       (exc.text or "").strip()))
        passed = result is not None and result.get("success") == "true"
        status = "skipped" if skipped else ("passed" if passed else "failed")
        tests.append({
            "name": case.get("name"),
            "status": status,
            "seconds": float(result.get("durationInSeconds", "0"))
            if result is not None else 0.0,
            "skipped_because": skipped[0][len("SKIPPED:"):].strip()
            if skipped else "",
            "failures": failures,
        })
    return tests, ""


def read_bench(out):
    try:
        with open(os.path.join(out, "bench.json")) as f:
            bench = json.load(f)
    except (OSError, ValueError):
        return None
    rows = []
    for row in bench.get("rows", []):
        latency = row.get("latency") or {}
        rows.append({
            "key": row.get("key"),
            "label": row.get("label"),
            "median_ms": latency.get("median_us", 0) / 1000,
            "min_ms": latency.get("min_us", 0) / 1000,
            "figures": row.get("figures", []),
            "ratios": row.get("ratios", []),
        })
    return {"rows": rows, "notes": bench.get("notes", []),
            "failed": bench.get("failed", []),
            "machine": bench.get("machine", {})}


def fmt(x):
    return "%.3g" % x if abs(x) < 100 else "%.0f" % x


def count(tests, status):
    return sum(1 for t in tests or [] if t["status"] == status)


def markdown(report):
    tests = report["tests"]
    lines = ["# GPU check of caf-model-manager", "",
             "Outcome: **%s**; CUDA tests: %d passed, %d failed, %d skipped" % (
                 report["outcome"], count(tests, "passed"),
                 count(tests, "failed"), count(tests, "skipped")), ""]
    lines += ["## Machine and kit", ""] + ["    " + l for l in report["machine"]] + [""]
    lines += ["## Steps", "", "| step | exit | seconds |", "| --- | --- | --- |"]
    for s in report["steps"]:
        lines.append("| %s | %d | %.1f |" % (s["step"], s["exit"], s["seconds"]))
    lines.append("")
    lines += ["## CUDA tests", ""]
    if tests is None:
        lines += ["No test results (%s)." % report["tests_error"], ""]
    else:
        lines += ["| test | result | seconds |", "| --- | --- | --- |"]
        for t in tests:
            result = t["status"]
            if t["skipped_because"]:
                result += ": " + t["skipped_because"]
            lines.append("| %s | %s | %.2f |" % (t["name"], result, t["seconds"]))
        lines.append("")
        for t in tests:
            for f in t["failures"]:
                lines.append("- %s: %s" % (t["name"], f))
        lines.append("")
    if report["figures"]:
        lines += ["## Figures the tests measured", "",
                  "| figure | value |", "| --- | --- |"]
        for f in report["figures"]:
            lines.append("| %s | %s %s |" % (f["name"], fmt(f["value"]), f["unit"]))
        lines.append("")
    bench = report["bench"]
    if bench:
        lines += ["## Benchmark on cuda:0 (cmm-bench miss and unload)", "",
                  "| row | median ms | best ms | figures |",
                  "| --- | --- | --- | --- |"]
        for r in bench["rows"]:
            figs = ", ".join("%s %s%s" % (f["name"], fmt(f["value"]), f["unit"])
                             for f in r["figures"])
            figs += "".join(", %sx %s" % (fmt(x["value"]), x["against"])
                            for x in r["ratios"])
            lines.append("| %s | %s | %s | %s |" % (
                r["label"], fmt(r["median_ms"]), fmt(r["min_ms"]), figs))
        lines.append("")
        for n in bench["notes"] + bench["failed"]:
            lines.append("- %s: %s" % (n.get("scenario"), n.get("text")))
        lines.append("")
    return "\n".join(lines)


def main():
    out, build, kit, outcome = sys.argv[1:5]
    tests, tests_error = read_tests(out)
    report = {
        "outcome": outcome,
        "machine": read_lines(os.path.join(out, "machine.txt")),
        "build_dir": build,
        "kit": kit,
        "steps": read_steps(out),
        "tests": tests,
        "tests_error": tests_error,
        "figures": read_figures(out),
        "bench": read_bench(out),
    }
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(markdown(report))
    if outcome == "ran" and (not tests or count(tests, "passed") != len(tests)):
        print("report.py: not every CUDA test passed on the GPU")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
