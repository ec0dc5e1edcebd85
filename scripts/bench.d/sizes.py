#!/usr/bin/env python3
"""Compare Parquet files column by column: compressed size, encodings, dictionary use.

    sizes.py [--top N] [--sort COLUMN_INDEX] FILE [FILE ...]
    sizes.py --summary FILE [FILE ...]

For tuning rustparquet's writer defaults: give it the outputs of several converters written from
the same input (scripts/bench keeps them in bench-out/CORPUS/*.parquet) and it prints, per leaf
column, each file's compressed bytes and encodings side by side, largest differences first.
Column paths are normalised so that the different names of the LIST wrapper (`list.element`,
`list.item`) compare equal: `result.subtests[].name`.
A file argument can also be a directory of Parquet parts (sizes are summed).

Encoding codes (of the data pages, read from the page headers): D = dictionary (PLAIN_DICTIONARY/RLE_DICTIONARY), P = PLAIN, R = RLE,
Db = DELTA_BINARY_PACKED, Dl = DELTA_LENGTH_BYTE_ARRAY, Ds = DELTA_BYTE_ARRAY, B = BYTE_STREAM_SPLIT.
"D+P" on a column means dictionary-encoded data pages and PLAIN ones too: the writer fell back
from the dictionary (its dictionary page size limit was reached) in at least one row group.
"""

import argparse
import os
import re
import sys
from collections import OrderedDict


ENC_CODES = {
    "PLAIN_DICTIONARY": "D",
    "RLE_DICTIONARY": "D",
    "PLAIN": "P",
    "RLE": "R",
    "BIT_PACKED": "bp",
    "DELTA_BINARY_PACKED": "Db",
    "DELTA_LENGTH_BYTE_ARRAY": "Dl",
    "DELTA_BYTE_ARRAY": "Ds",
    "BYTE_STREAM_SPLIT": "B",
}

_LIST_WRAPPER = re.compile(r"\.(list\.element|list\.item|list\.array_element|bag\.array_element|array)(?=\.|$)")


def norm_path(path: str) -> str:
    """`a.list.element.b` / `a.list.item.b` -> `a[].b`."""
    return _LIST_WRAPPER.sub("[]", path)


def parquet_parts(path):
    """The Parquet file(s) behind PATH (a file, or a directory of parts)."""
    if os.path.isdir(path):
        parts = []
        for root, _dirs, files in os.walk(path):
            parts += [os.path.join(root, f) for f in files if f.endswith(".parquet")]
        return sorted(parts)
    return [path]


# --- Page headers ----------------------------------------------------------------------------
# pyarrow's metadata lists the encodings of a column chunk but not which pages use them (the
# dictionary page itself is PLAIN, so "PLAIN" there does not mean a fallback). To see dictionary
# fallback and page sizes we read the page headers: Thrift compact protocol, decoded generically.

PAGE_TYPES = {0: "data", 1: "index", 2: "dict", 3: "data2"}
ENC_NAMES = {0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
             6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY",
             9: "BYTE_STREAM_SPLIT"}


class _Compact:
    def __init__(self, buf):
        self.b, self.i = buf, 0

    def byte(self):
        v = self.b[self.i]
        self.i += 1
        return v

    def varint(self):
        shift = out = 0
        while True:
            x = self.byte()
            out |= (x & 0x7F) << shift
            if x < 0x80:
                return out
            shift += 7

    def zigzag(self):
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, t):
        if t in (1, 2):
            return t == 1
        if t == 3:
            return self.byte()
        if t in (4, 5, 6):
            return self.zigzag()
        if t == 7:
            self.i += 8
            return None
        if t == 8:
            n = self.varint()
            self.i += n
            return None
        if t in (9, 10):
            h = self.byte()
            n, et = h >> 4, h & 0x0F
            if n == 15:
                n = self.varint()
            return [self.byte() == 1 if et in (1, 2) else self.value(et) for _ in range(n)]
        if t == 11:
            n = self.varint()
            if n:
                kv = self.byte()
                for _ in range(n):
                    self.value(kv >> 4)
                    self.value(kv & 0x0F)
            return None
        if t == 12:
            return self.struct()
        raise ValueError(f"thrift type {t}")

    def struct(self):
        out, fid = {}, 0
        while True:
            h = self.byte()
            if h == 0:
                return out
            delta, t = h >> 4, h & 0x0F
            fid = fid + delta if delta else self.zigzag()
            out[fid] = self.value(t)


def chunk_pages(f, col):
    """[(page type, encoding name or None, uncompressed bytes, compressed bytes)] of a column chunk."""
    starts = [o for o in (col.dictionary_page_offset, col.data_page_offset) if o]
    pos = min(starts) if starts else col.file_offset
    end = pos + col.total_compressed_size
    pages = []
    while pos < end:
        f.seek(pos)
        buf = f.read(1 << 16)
        try:
            r = _Compact(buf)
            h = r.struct()
        except IndexError:  # a header larger than the buffer (huge statistics)
            f.seek(pos)
            r = _Compact(f.read(1 << 24))
            h = r.struct()
        ptype = PAGE_TYPES.get(h.get(1), str(h.get(1)))
        sub = h.get(5) or h.get(7) or h.get(8) or {}
        enc = sub.get(4 if 8 in h else 2)
        pages.append((ptype, ENC_NAMES.get(enc, enc), h.get(2, 0), h.get(3, 0)))
        pos += r.i + h.get(3, 0)
    return pages


def column_stats(path, pages=True):
    """{normalised path: {compressed, uncompressed, encodings, dict, fallback, stats, values,
    data_pages, dict_bytes}} summed over row groups (and parts). With pages=True the page headers
    are read: fallback = a PLAIN data page beside a dictionary page."""
    import pyarrow.parquet as pq

    cols = OrderedDict()
    for part in parquet_parts(path):
        md = pq.ParquetFile(part).metadata
        fh = open(part, "rb") if pages else None
        for rg in range(md.num_row_groups):
            g = md.row_group(rg)
            for i in range(g.num_columns):
                c = g.column(i)
                key = norm_path(c.path_in_schema)
                e = cols.setdefault(
                    key,
                    {"compressed": 0, "uncompressed": 0, "encodings": set(), "dict": False,
                     "fallback": False, "stats": False, "values": 0, "physical": c.physical_type,
                     "data_pages": 0, "dict_bytes": 0, "page_encodings": set()},
                )
                e["compressed"] += c.total_compressed_size
                e["uncompressed"] += c.total_uncompressed_size
                e["values"] += c.num_values
                encs = set(c.encodings)
                e["encodings"] |= encs
                has_dict = c.has_dictionary_page or bool(encs & {"PLAIN_DICTIONARY", "RLE_DICTIONARY"})
                e["dict"] |= has_dict
                e["stats"] |= c.is_stats_set
                if fh is None:
                    continue
                for ptype, enc, _unc, comp in chunk_pages(fh, c):
                    if ptype == "dict":
                        e["dict_bytes"] += comp
                    elif ptype in ("data", "data2"):
                        e["data_pages"] += 1
                        e["page_encodings"].add(enc)
                # PLAIN data pages beside a dictionary page: the writer gave up on the dictionary.
                if has_dict and "PLAIN" in e["page_encodings"]:
                    e["fallback"] = True
        if fh is not None:
            fh.close()
    return cols


def file_summary(path):
    """Whole-file facts that explain size differences."""
    import pyarrow.parquet as pq

    parts = parquet_parts(path)
    size = sum(os.path.getsize(p) for p in parts)
    rows = rgs = footer = bloom = bloom_cols = index_cols = 0
    created_by = ""
    for part in parts:
        md = pq.ParquetFile(part).metadata
        rows += md.num_rows
        rgs += md.num_row_groups
        footer += md.serialized_size
        created_by = md.created_by or ""
        for r in range(md.num_row_groups):
            g = md.row_group(r)
            for i in range(g.num_columns):
                c = g.column(i)
                if c.bloom_filter_offset:
                    bloom_cols += 1
                    bloom += c.bloom_filter_length or 0
                index_cols += bool(c.has_column_index or c.has_offset_index)
    cols = column_stats(path)
    n = len(cols)
    comp = sum(c["compressed"] for c in cols.values())
    uncomp = sum(c["uncompressed"] for c in cols.values())
    return {
        "size": size,
        "rows": rows,
        "row_groups": rgs,
        "footer": footer,
        "columns": n,
        "dict_columns": sum(1 for c in cols.values() if c["dict"]),
        "fallback_columns": sum(1 for c in cols.values() if c["fallback"]),
        "stats_columns": sum(1 for c in cols.values() if c["stats"]),
        "data_pages": sum(c["data_pages"] for c in cols.values()),
        "compressed": comp,
        "uncompressed": uncomp,
        "bloom_bytes": bloom,
        "bloom_chunks": bloom_cols,
        "page_index_chunks": index_cols,
        # What is neither column data, bloom filters nor footer: the page indexes (column index +
        # offset index), plus the 8-byte magic numbers.
        "page_index_bytes": max(0, size - comp - bloom - footer - 8 * len(parts)),
        "created_by": created_by,
        "cols": cols,
    }


def enc_label(e):
    """Encodings of the data pages (from the page headers; from the metadata if not read)."""
    encs = e["page_encodings"] or e["encodings"]
    codes = sorted({ENC_CODES.get(x, str(x)) for x in encs} - {"bp"})
    if e["page_encodings"] and len(codes) > 1:
        codes = [c for c in codes if c != "R"] if "R" in codes and e["physical"] != "BOOLEAN" else codes
    elif not e["page_encodings"]:
        codes = [c for c in codes if c not in ("R",)] or ["R"]
    if "D" in codes:
        codes = ["D"] + [c for c in codes if c != "D"]
    return "+".join(codes)


def side_by_side(paths, labels=None, top=None):
    """Rows of (column, [(compressed bytes, encoding label) or None per file]), largest spread first."""
    labels = labels or [os.path.basename(p) for p in paths]
    stats = [column_stats(p) for p in paths]
    keys = list(OrderedDict.fromkeys(k for s in stats for k in s))
    rows = []
    for k in keys:
        cells = [(s[k]["compressed"], enc_label(s[k])) if k in s else None for s in stats]
        sizes = [c[0] for c in cells if c]
        spread = max(sizes) - min(sizes) if sizes else 0
        rows.append((k, cells, spread))
    rows.sort(key=lambda r: -r[2])
    return labels, rows[:top] if top else rows


def print_side_by_side(paths, labels=None, top=None, out=sys.stdout):
    labels, rows = side_by_side(paths, labels, top)
    summaries = [file_summary(p) for p in paths]
    w = max([len("column data MB")] + [len(r[0]) for r in rows])
    cw = max(14, max(len(l) for l in labels))
    print("column".ljust(w), *(l.rjust(cw) for l in labels), sep="  ", file=out)
    for label, key in [("file MB", "size"), ("column data MB", "compressed"), ("row groups", "row_groups"), ("footer KB", "footer"),
                       ("dict columns", "dict_columns"), ("dict fallback", "fallback_columns"),
                       ("stats columns", "stats_columns"), ("data pages", "data_pages"),
                       ("bloom KB", "bloom_bytes"), ("page index KB", "page_index_bytes")]:
        vals = []
        for s in summaries:
            v = s[key]
            vals.append(f"{v / 1e6:.2f}" if key in ("size", "compressed") else f"{v / 1e3:.1f}" if key.endswith(("footer", "bytes")) else str(v))
        print(label.ljust(w), *(v.rjust(cw) for v in vals), sep="  ", file=out)
    print("-" * (w + (cw + 2) * len(labels)), file=out)
    for key, cells, _spread in rows:
        txt = [f"{c[0] / 1e3:.1f}K {c[1]}" if c else "-" for c in cells]
        print(key.ljust(w), *(t.rjust(cw) for t in txt), sep="  ", file=out)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+")
    p.add_argument("--top", type=int, default=0, help="only the N columns with the largest spread")
    p.add_argument("--labels", help="comma-separated names for the files (default: file names)")
    a = p.parse_args(argv)
    labels = a.labels.split(",") if a.labels else None
    if labels and len(labels) != len(a.files):
        p.error("--labels needs one name per file")
    print_side_by_side(a.files, labels, a.top or None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
