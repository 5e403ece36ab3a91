"""The opinion map as a server-rendered SVG for the projector: one dot per participant, coloured by group."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from deliberate.opinion import OpinionMap

PALETTE = ("#1d6b45", "#8c1d1d", "#1f4e99", "#8a5a00", "#5b2a86", "#00696b")


def map_svg(m: OpinionMap, *, title: str, group_label: str, width: int = 900, height: int = 600) -> str:
    svg = ET.Element(
        "svg",
        {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {width} {height}", "role": "img", "aria-label": title},
    )
    ET.SubElement(svg, "title").text = title
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "#ffffff"})
    if not m.positions:
        return ET.tostring(svg, encoding="unicode")
    xs = [p[0] for p in m.positions]
    ys = [p[1] for p in m.positions]
    pad = 40
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (pad + (x - min(xs)) / span_x * (width - 2 * pad), pad + (y - min(ys)) / span_y * (height - 2 * pad))

    group_of = m.group_of()
    for pid, (x, y) in zip(m.participant_ids, m.positions, strict=True):
        cx, cy = at(x, y)
        colour = PALETTE[group_of.get(pid, 0) % len(PALETTE)] if pid in group_of else "#999999"
        ET.SubElement(
            svg, "circle", {"cx": f"{cx:.1f}", "cy": f"{cy:.1f}", "r": "5", "fill": colour, "fill-opacity": "0.55"}
        )
    for g in m.groups:
        cx, cy = at(*g.centre)
        cx, cy = min(max(cx, 110.0), width - 110.0), min(max(cy, 50.0), height - 20.0)  # keep labels on screen
        label = ET.SubElement(
            svg,
            "text",
            {
                "x": f"{cx:.1f}",
                "y": f"{cy:.1f}",
                "font-size": "34",
                "font-weight": "700",
                "text-anchor": "middle",
                "fill": PALETTE[g.id % len(PALETTE)],
                "stroke": "#ffffff",
                "stroke-width": "5",
                "paint-order": "stroke",
            },
        )
        label.text = group_label.format(name=chr(ord("A") + g.id) if 0 <= g.id < 26 else g.id, n=len(g.members))
    return ET.tostring(svg, encoding="unicode")
