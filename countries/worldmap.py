"""The world map of /countries/, drawn on the server as SVG from Natural Earth data.

The data is world-atlas's `countries-50m.json` (see data/world-atlas/README.md): TopoJSON whose
arcs are quantized and delta-encoded, in degrees. It is decoded, projected with the Natural Earth
projection, simplified to what a 1,000-pixel-wide map can show, and written as SVG path data once
per process; requests only pick a colour level for each country.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django_countries import countries

if TYPE_CHECKING:
    from .models import Country

TOPOLOGY = Path(__file__).resolve().parent / "data" / "world-atlas" / "countries-50m.json"

# Path data are integers in a viewBox this wide: one unit is a tenth of a pixel of a 1,000-pixel
# map, finer than a screen shows, and integers keep the markup small.
WIDTH = 10_000
# Points that move a line by less than this (in viewBox units: 0.8 pixel of a 1,000-pixel map,
# which no reader sees) are dropped. The map is most of the countries page's bytes: 4 units made
# 95 KB of path data at 193 countries, 8 make 56 KB.
TOLERANCE = 8
# Antarctica (ISO 3166-1 numeric 010) has no constituents and would take a fifth of the height.
LEFT_OUT = {"010"}
# Countries smaller than this (in viewBox units, 5 pixels on a 1,000-pixel map) get a dot.
SMALL = 50

Point = tuple[int, int]


@dataclass(frozen=True)
class Shape:
    """One country or territory of the map: its ISO alpha-2 code (blank if ISO gives none)."""

    code: str
    path: str
    small: bool  # its largest part is too small to see or click: the map adds a dot
    centre: Point


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: int
    shapes: tuple[Shape, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def natural_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """The Natural Earth projection (Šavrič, Jenny, Patterson and Jenny, 2011), in radians out."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Each arc as a list of (longitude, latitude): undo the delta encoding and quantization."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, keeping both ends so that arcs shared by two countries still meet."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = first, 0.0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:  # a closed arc (an island): measure from its start
                d = math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = i, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def jumps(points: list[Point]) -> list[int]:
    """Where a line crosses the antimeridian (from +180° to -180°): it would cross the map."""
    return [i for i in range(1, len(points)) if abs(points[i][0] - points[i - 1][0]) > WIDTH / 2]


def simplify_arc(points: list[Point]) -> list[Point]:
    """Simplify each side of the antimeridian apart, keeping the points on it."""
    cuts = [0, *jumps(points), len(points)]
    return [
        point
        for start, end in itertools.pairwise(cuts)
        for point in simplify(points[start:end], TOLERANCE)
    ]


def ring_paths(ring: list[int], arcs: list[list[Point]]) -> list[list[Point]]:
    """A closed ring as point lists, one for each side of the antimeridian that it crosses.

    Natural Earth cuts shapes at ±180°, so a ring that crosses it (eastern Russia, Fiji) runs
    along the cut; closing each side's run separately draws both halves at the map's edges.
    """
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their end point.
        points.extend(arc[1:] if points else arc)
    cuts = jumps(points)
    if cuts:
        points = points[cuts[0] :] + points[: cuts[0]]
        cuts = [0, *jumps(points), len(points)]
    else:
        cuts = [0, len(points)]
    return [points[start:end] for start, end in itertools.pairwise(cuts)]


def extent(points: list[Point]) -> int:
    """The larger side of the box around the points."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def path_data(points: list[Point]) -> str:
    """A closed run of points as relative SVG path commands (`Mx yl dx dy … z`)."""
    deduplicated = [points[0]]
    for point in points[1:]:
        if point != deduplicated[-1]:
            deduplicated.append(point)
    if len(deduplicated) < 3:  # too small to draw; the map marks small countries apart
        return ""
    steps = []
    for (x, y), (nx, ny) in itertools.pairwise(deduplicated):
        steps.append(f"{nx - x} {ny - y}")
    return f"M{deduplicated[0][0]} {deduplicated[0][1]}l" + " ".join(steps) + "z"


@cache
def world_map() -> WorldMap:
    """The map's geometry, computed on first use and kept for the life of the process."""
    topology = json.loads(TOPOLOGY.read_text(encoding="utf-8"))
    geometries = [
        geometry
        for geometry in topology["objects"]["countries"]["geometries"]
        if geometry.get("id") not in LEFT_OUT
    ]
    projected = [[natural_earth(lon, lat) for lon, lat in arc] for arc in decode_arcs(topology)]
    used = {
        index if index >= 0 else ~index
        for geometry in geometries
        for polygon in polygon_rings(geometry)
        for ring in polygon
        for index in ring
    }
    left = min(x for i in used for x, _ in projected[i])
    right = max(x for i in used for x, _ in projected[i])
    bottom = min(y for i in used for _, y in projected[i])
    top = max(y for i in used for _, y in projected[i])
    factor = WIDTH / (right - left)
    # SVG's y axis points down.
    arcs = [
        simplify_arc([(round((x - left) * factor), round((top - y) * factor)) for x, y in arc])
        for arc in projected
    ]
    # Runs of points by ISO code: Natural Earth draws a few countries as two features
    # (Australia and its Ashmore and Cartier Islands), the map draws one path per country.
    runs_by_code: dict[str, list[list[Point]]] = {}
    for number, geometry in enumerate(geometries):
        numeric = geometry.get("id")
        code = countries.alpha2(numeric) if numeric else ""
        runs_by_code.setdefault(code or f"-{number}", []).extend(
            run
            for polygon in polygon_rings(geometry)
            for ring in polygon
            for run in ring_paths(ring, arcs)
        )
    shapes = []
    for code, runs in runs_by_code.items():
        largest = max(runs, key=extent)
        xs, ys = [x for x, _ in largest], [y for _, y in largest]
        shapes.append(
            Shape(
                code="" if code.startswith("-") else code,
                path="".join(path_data(run) for run in runs),
                small=extent(largest) < SMALL,
                centre=((min(xs) + max(xs)) // 2, (min(ys) + max(ys)) // 2),
            )
        )
    return WorldMap(width=WIDTH, height=math.ceil((top - bottom) * factor), shapes=tuple(shapes))


def polygon_rings(geometry: dict) -> list[list[list[int]]]:
    """The rings of each polygon of a Polygon or MultiPolygon, as lists of arc indexes."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


# Colour levels by number of engagements: 1, 2, 3, and this many or more.
TOP_LEVEL = 4


def level(engagement_count: int) -> int:
    return min(engagement_count, TOP_LEVEL)


@dataclass(frozen=True)
class Area:
    """A shape of the map and the engaged country it stands for, if any."""

    shape: Shape
    country: Country | None = None

    @property
    def level(self) -> int:
        return level(self.country.engagement_count) if self.country else 0


def areas(engaged: list[Country]) -> list[Area]:
    """The map's shapes, engaged countries last (their outlines on top) and in the given order.

    `engaged` are countries annotated with `engagement_count` (`Country.objects.engaged()`);
    keyboard users tab through them in that order.
    """
    shapes = {shape.code: shape for shape in world_map().shapes if shape.code}
    codes = {country.code.code for country in engaged}
    plain = [Area(shape) for shape in world_map().shapes if shape.code not in codes]
    linked = [
        Area(shapes[country.code.code], country)
        for country in engaged
        if country.code.code in shapes
    ]
    return plain + linked
