"""The table ``make bench`` prints: each measure, its figure, and its target met or missed.

Reads the results ``run.py`` gathered; measures nothing and writes nothing.
"""

from __future__ import annotations

from typing import Any

from carbone_peer import peer_rows


def table(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    a, b, c, d, f = r["floor"], r["batch"], r["oneshot"], r["watch"], r["register"]
    w = r["batch_warm"]
    ratio = w["docs_per_s_vs_floor"]
    single = b["seconds"] / c["single_process_s"]
    naive = f"{c['per_process_per_doc_s']:.2f} s/doc"
    naive += f" -> {c['per_process_extrapolated_s']:.0f}s for {c['single_process_docs']}"
    rows = [
        ("(a) floor: warm LO, 2 workers", f"{a['docs_per_s']:.2f} docs/s", ""),
        (f"(b) batch, {b['forms']} forms, cold (pipeline run)", f"{b['seconds']:.1f}s", ""),
        ("(b) same, LibreOffice already up", f"{w['seconds']:.1f}s", ""),
        ("(b) throughput (already up)", f"{w['docs_per_s']:.2f} docs/s", ""),
        ("(b) per-doc cost (already up)", f"{w['per_doc_s'] * 1000:.0f} ms/doc", ""),
        ("(b) per-doc cost vs (a)", f"{ratio:.2f}x", f"<= 1.2x {ok(ratio <= 1.2)}"),
        ("(c) one soffice per doc", naive, ""),
        ("(c) one soffice, all docs", f"{c['single_process_s']:.1f}s", ""),
        ("(b) cold batch vs (c) single soffice", f"{single:.2f}x", f"<= 0.7x {ok(single <= 0.7)}"),
    ]
    if "skipped" in d:
        rows.append(("(d) watch drop->PDF+register", "skipped: " + d["skipped"], "p50 < 1.5 s"))
    else:
        latency = f"p50 {d['p50_s']:.2f}s, p95 {d['p95_s']:.2f}s ({d['finished']}/{d['drops']})"
        rows.append(
            ("(d) watch drop->PDF+register", latency, f"p50 < 1.5 s {ok(d['p50_s'] < 1.5)}")
        )
    for size, rss in r["rss"].items():
        per_form = f"{rss:.0f} MB ({rss / int(size):.1f} MB/form)"
        rows.append((f"(e) peak RSS, {size} forms", per_form, f"< 250 MB {ok(rss < 250)}"))
    growth = r["growth"]
    per_form = ", ".join(f"{n}: {s * 1000:.0f}" for n, s in growth.items())
    sizes = sorted(growth, key=int)
    linear = growth[sizes[-1]] <= 1.25 * growth[sizes[1]] if len(sizes) > 2 else True
    rows.append(("(e) batch cost per form, ms", per_form, f"linear {ok(linear)}"))
    rows.append(("(g) pipeline CPU per form, batch", f"{w['cpu_s'] / w['docs'] * 1000:.0f} ms", ""))
    for stage, ms in r["stages"].items():
        target = f"<= 20 ms {ok(ms <= 20)}" if stage.endswith("total per document") else ""
        rows.append((f"(g)   {stage}", f"{ms:.1f} ms", target))
    rows += peer_rows(r["peer"], r["peer_pipeline"])
    if "peer_floor" in r:
        rows.append(
            (
                "(p) floor: warm LO on those policies",
                f"{1000 / r['peer_floor']['docs_per_s']:.0f} ms/doc",
                "",
            )
        )
    sync = f["update_and_sync_s"]
    rows.append(("(f) 100 upserts + sync of 1,000", f"{sync:.2f}s", f"< 0.5 s {ok(sync < 0.5)}"))
    if "register_5000" in r:
        big = r["register_5000"]
        rows.append(("(f) first sync of 5,000", f"{big['first_sync_s']:.2f}s", ""))
        rows.append(("(f) 100 upserts + sync of 5,000", f"{big['update_and_sync_s']:.2f}s", ""))
        if "one_update_and_sync_s" in big:  # results written before it was measured lack it
            rows.append(
                ("(f) 1 upsert + sync of 5,000", f"{big['one_update_and_sync_s']:.2f}s", "")
            )
    return rows


def ok(good: bool) -> str:
    return "OK" if good else "MISSED"
