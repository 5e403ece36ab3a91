"""How long the text functions take on a session-sized input; not a test (timings belong in benchmarks).

    .venv/bin/python -m deliberate.thaitext.timing

Prints wall-clock times (median of five runs) for merge suggestions over 500 generated proposals, a
similarity query against 20 and a word cloud of 500: with texts not segmented before ("new", a fresh set
each run) and with their segmentation cached ("cached", as in a running server). Loading pythainlp's
dictionary, once per process, is timed separately.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from deliberate.thaitext.similarity import merge_suggestions, similar
from deliberate.thaitext.wordcloud import frequencies, wordcloud_svg

_ACTIONS = ["ปรับปรุง", "ซ่อมแซม", "สร้าง", "ติดตั้ง", "จัดตั้ง", "ส่งเสริม", "สนับสนุน", "อบรม", "ขุดลอก", "ดูแล"]
_THINGS = [
    "ถนนลาดยาง",
    "ไฟส่องสว่าง",
    "ถังขยะแยกประเภท",
    "ศูนย์ดูแลผู้สูงอายุ",
    "ลานกีฬา",
    "คลองระบายน้ำ",
    "กล้องวงจรปิด",
    "ตลาดนัดชุมชน",
    "กลุ่มอาชีพแม่บ้าน",
    "ประปาหมู่บ้าน",
    "สนามเด็กเล่น",
    "ห้องสมุดชุมชน",
    "ศาลาประชาคม",
    "รถรับส่งผู้ป่วย",
    "ป่าชุมชน",
    "ฝายชะลอน้ำ",
    "โรงเรียนผู้สูงอายุ",
    "การท่องเที่ยวเชิงเกษตร",
]
_PLACES = ["ในหมู่บ้าน", "ในตำบล", "ริมถนนใหญ่", "หน้าวัด", "ใกล้โรงเรียน", "ที่ศาลากลางบ้าน", "ทั่วชุมชน"]
_REASONS = ["ให้ปลอดภัย", "ช่วงหน้าฝน", "สำหรับเด็กและเยาวชน", "ให้คนในชุมชนมีรายได้", "ลดค่าใช้จ่าย", ""]


def generated_proposals(count: int, *, seed: int = 1) -> list[tuple[int, str]]:
    rng = random.Random(seed)  # fixed seed: the same input on every run
    return [
        (n, f"{rng.choice(_ACTIONS)}{rng.choice(_THINGS)}{rng.choice(_PLACES)} {rng.choice(_REASONS)}".strip())
        for n in range(1, count + 1)
    ]


def _milliseconds(run: Callable[[int], object], *, new_texts: bool) -> float:
    times = []
    for seed in range(10, 15):
        if not new_texts:
            run(seed)  # segment once, so that the timed call finds the cache filled
        start = time.perf_counter()
        run(seed)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    similar("ถนนในหมู่บ้าน", [(1, "ไฟฟ้า")])
    print(f"loading the dictionaries (once per process): {(time.perf_counter() - start) * 1000:.0f} ms")
    query = "อยากให้ซ่อมไฟส่องสว่างริมถนนในหมู่บ้าน"
    runs: dict[str, Callable[[int], object]] = {
        "merge_suggestions, 500 items": lambda seed: merge_suggestions(generated_proposals(500, seed=seed)),
        "similar, 20 candidates": lambda seed: similar(query, generated_proposals(20, seed=seed + 100)),
        "frequencies + wordcloud_svg, 500 texts": lambda seed: wordcloud_svg(
            frequencies(text for _, text in generated_proposals(500, seed=seed + 200))
        ),
    }
    for name, run in runs.items():
        new, cached = _milliseconds(run, new_texts=True), _milliseconds(run, new_texts=False)
        print(f"{name}: {new:.1f} ms new texts, {cached:.1f} ms cached")


if __name__ == "__main__":
    main()
