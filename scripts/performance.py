"""docs/performance.md's "Admin pages" section, from the runs of scripts/admin-timing kept in docs/bench/admin.json.

Shared by scripts/admin-timing, which writes the section, and scripts/bench, which rewrites the whole file.
"""

import json

from stack import ROOT

ADMIN_RESULTS = ROOT / "docs" / "bench" / "admin.json"
PERFORMANCE = ROOT / "docs" / "performance.md"
HEADING = "## Admin pages"
AIM_MS = 300


def admin_markdown(runs=None):
    """The section's lines: what is measured, then the runs side by side per database, newest last."""
    if runs is None:
        runs = json.loads(ADMIN_RESULTS.read_text()) if ADMIN_RESULTS.exists() else []
    if not runs:
        return []
    parts = [
        HEADING,
        "",
        "Written by `make admin-timing` (`scripts/admin-timing`); do not edit by hand. One editor, one request at a",
        "time, on the demo newsroom with the production settings, measured inside the process (the whole Django stack,",
        "no network, no browser): the median, 90th percentile and fastest *server time* (on a busy machine the fastest",
        "is the nearest to a quiet one), the median *CPU* time of the process (what a busy machine multiplies), the SQL",
        "queries (pinned in tests/test_admin_query_counts.py) and the *first* request of each page in a process that",
        "has just started (the first page also pays for the URL map and the translations). Publishing includes writing",
        f"the e-mails (kept in memory here). The aim: every page under {AIM_MS} ms of server time at a quiet moment, the",
        "first save with a photo aside (it decodes the upload and writes four renditions). The load average at the",
        "start and end of each run says how quiet the machine was.",
        "",
        "Where the time goes (cProfile with a CPU clock, December 2026): on an article's pages about three quarters is",
        "Django's admin templates and form widgets (the fieldsets, the inlines and the empty row each one copies for",
        "its add button), with no single hot spot; the queries are most of the rest. The list's cost is its rows (each",
        "cell and each row's tick box), hence 50 rows a page. The first page a process serves also builds the URL map",
        "of each language, loads the translations and compiles the templates. What took over a second in a browser on",
        "a busy machine was this CPU time multiplied by the load (server time follows the load average, CPU time",
        "hardly), plus, in development, the 35 to 45 static files each admin page asks runserver for again (it serves",
        "them with max-age=0; production serves hashed names cached for a year).",
        "",
    ]
    for database in sorted({run["database"] for run in runs}):
        these = [run for run in runs if run["database"] == database]
        parts += [f"### {database}", ""]
        for run in these:
            parts.append(
                f"- **{run['label']}**: {run['date']}, {run['articles']:,} articles, {run['runs']} requests a page, "
                f"{run['cpus']} cores, load average {run['load'][0]} → {run['load'][1]}, Python {run['python']}"
            )
        parts += ["", _table(these), ""]
    return parts


def _table(runs):
    labels = [run["label"] for run in runs]
    header = "| page | " + " | ".join(
        f"{label}: server ms (p90, fastest) · CPU ms · queries · first ms" for label in labels
    )
    lines = [header + " |", "|---|" + "---:|" * len(runs)]
    pages = list(dict.fromkeys(row["page"] for run in runs for row in run["rows"]))
    for page in pages:
        cells = []
        for run in runs:
            row = next((row for row in run["rows"] if row["page"] == page), None)
            cells.append(
                "—"
                if row is None
                else f"{row['server_ms']:.0f} ({row['p90_ms']:.0f}, {row.get('best_ms', 0):.0f}) · "
                f"{row['cpu_ms']:.0f} · {row['queries']} · {row['first_ms']:.0f}"
            )
        aim = next((row["aim"] for run in runs for row in run["rows"] if row["page"] == page), True)
        lines.append(f"| {page}{'' if aim else ' (not in the aim)'} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_admin_section():
    """Replace the section at the end of docs/performance.md (or add it), leaving what `make bench` wrote."""
    text = PERFORMANCE.read_text() if PERFORMANCE.exists() else "# Performance\n"
    head = text.split(f"\n{HEADING}\n", 1)[0].rstrip("\n")
    PERFORMANCE.write_text(head + "\n\n" + "\n".join(admin_markdown()) + "\n")
