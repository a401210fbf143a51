"""python-escpos building the same queue ticket, for the side-by-side benchmark.

Usage: python_escpos_ticket.py LINES.json RASTER.png REPEATS
LINES.json: [{"text": ..., "size": n, "align": "left|center|right", "bold": bool} | {"qr": payload}]
Prints one JSON object: build time (median ms) and bytes, for text mode and raster mode.
"""

import json
import statistics
import sys
import time

from escpos.printer import Dummy
from PIL import Image


def text_ticket(ops):
    p = Dummy()
    p._raw(b"\x1b\x40\x1c\x26")  # initialise, Chinese mode (python-escpos has no GB18030 mode)
    unencodable = 0
    for op in ops:
        if "qr" in op:
            p.set(align="center")
            p.qr(op["qr"], native=True, size=6)
            continue
        size = max(1, min(8, op["size"]))
        p.set(align=op["align"], bold=op["bold"], custom_size=True, width=size, height=size)
        try:
            data = op["text"].encode("gb18030")
        except UnicodeEncodeError:
            unencodable += 1
            data = op["text"].encode("gb18030", errors="replace")
        p._raw(data + b"\n")
    p.cut()
    return p.output, unencodable


def raster_ticket(image):
    p = Dummy()
    p.image(image, impl="bitImageRaster", fragment_height=255)
    p.cut()
    return p.output


def measure(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), out


def main():
    ops = json.load(open(sys.argv[1], encoding="utf-8"))
    image = Image.open(sys.argv[2])
    repeats = int(sys.argv[3])
    text_ms, (text_bytes, unencodable) = measure(lambda: text_ticket(ops), repeats)
    raster_ms, raster_bytes = measure(lambda: raster_ticket(image), repeats)
    print(json.dumps({
        "text_ms": text_ms, "text_bytes": len(text_bytes), "unencodable_lines": unencodable,
        "raster_ms": raster_ms, "raster_bytes": len(raster_bytes),
    }))


main()
