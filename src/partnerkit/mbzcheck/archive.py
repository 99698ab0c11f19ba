"""Rule group archive and xml: read the gzip tar or zip the way Moodle's extractors do, and parse its XML."""

from __future__ import annotations

import gzip
import io
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter

from .package import Package

# PARAM_FILE strips these from every path segment when tgz_extractor cleans archive paths.
STRIPPED_PATH_CHARS = re.compile(r"[\x00-\x1f\x7f&<>\"`|':]")


def read_archive(pkg: Package) -> bool:
    """Unpack the members into memory; False when nothing can be read at all."""
    # mbz_packer::get_packer_for_read_operation(): gzip magic means tgz, anything else goes to zip.
    if pkg.data[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(pkg.data)
        except (OSError, EOFError, zlib.error) as exc:
            pkg.add("archive.gzip_corrupt", "archive", f"gzip data is corrupt ({exc})")
            return False
        return _read_tar(pkg, raw)
    if zipfile.is_zipfile(io.BytesIO(pkg.data)):
        return _read_zip(pkg)
    pkg.add("archive.not_gzip_or_zip", "archive", "not a gzip tar or zip file")
    return False


def _extended_name(typeflag: bytes, content: bytes) -> str | None:
    """The path a pax ('x') or GNU long-name ('L') header carries, to name the entry it belongs to."""
    if typeflag == b"L":
        return content.rstrip(b"\0").decode("utf-8", errors="replace")
    if typeflag == b"x":
        # pax records are "<length> <key>=<value>\n".
        for record in content.split(b"\n"):
            _, _, pair = record.partition(b" ")
            key, _, value = pair.partition(b"=")
            if key == b"path":
                return value.decode("utf-8", errors="replace")
    return None


def _read_tar(pkg: Package, raw: bytes) -> bool:
    # Parsed by hand, the way lib/filestorage/tgz_extractor.php does, so that what this checker sees
    # is what Moodle sees: ustar names with prefix, no pax/GNU extensions, links ignored.
    counts: Counter[str] = Counter()
    pos = 0
    zero = b"\0" * 512
    while pos + 512 <= len(raw):
        block = raw[pos:pos + 512]
        offset = pos
        pos += 512
        if block == zero:
            continue
        magic = block[257:263]
        if magic not in (b"ustar\0", b"ustar "):
            pkg.add("archive.tar_no_ustar", "archive",
                    f"tar header at byte {offset} has no ustar magic; Moodle's extractor stops with an error there")
            return bool(pkg.members)
        size_field = block[124:136].strip(b"\0 ")
        try:
            size = int(size_field or b"0", 8)
        except ValueError:
            pkg.add("archive.tar_bad_size", "archive",
                    f"tar header at byte {offset} has a non-octal size; Moodle's octdec() skips the bad digits "
                    "and reads the entries after it from the wrong place")
            return bool(pkg.members)
        name_raw = block[0:100].rstrip(b"\0")
        prefix_raw = block[345:500].rstrip(b"\0")
        full_raw = prefix_raw + b"/" + name_raw if prefix_raw else name_raw
        content = raw[pos:pos + size]
        pos += (size + 511) // 512 * 512
        if len(content) < size:
            pkg.add("archive.tar_truncated", "archive", f"tar entry at byte {offset} is truncated")
            break
        typeflag = block[156:157]
        try:
            name = full_raw.decode("utf-8")
        except UnicodeDecodeError:
            pkg.add("archive.path_not_utf8", repr(full_raw)[2:-1], "path is not valid UTF-8")
            continue
        if typeflag in (b"x", b"g", b"L", b"K"):
            pkg.add("archive.tar_extended_header", _extended_name(typeflag, content) or name,
                    f"pax/GNU extended tar header (type {typeflag.decode()}); Moodle's extractor does not "
                    "understand it and extracts it as an ordinary file (write plain ustar)")
            continue
        if typeflag in (b"1", b"2", b"3", b"4", b"6", b"7"):
            pkg.add("archive.tar_link", name,
                    f"tar link or special entry (type {typeflag.decode()}); Moodle's extractor skips it")
            continue
        is_dir = typeflag == b"5"
        _add_member(pkg, name, None if is_dir else content, counts)
    _report_duplicates(pkg, counts)
    return True


def _read_zip(pkg: Package) -> bool:
    counts: Counter[str] = Counter()
    try:
        with zipfile.ZipFile(io.BytesIO(pkg.data)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    _add_member(pkg, info.filename, None, counts)
                    continue
                try:
                    content = archive.read(info)
                except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
                    pkg.add("archive.zip_member_unreadable", info.filename, f"cannot be read from the zip ({exc})")
                    continue
                _add_member(pkg, info.filename, content, counts)
    except zipfile.BadZipFile as exc:
        pkg.add("archive.zip_corrupt", "archive", f"zip is corrupt ({exc})")
        return False
    _report_duplicates(pkg, counts)
    return True


def _add_member(pkg: Package, name: str, content: bytes | None, counts: Counter[str]) -> None:
    # Absolute paths and '..' are refused outright (tgz_extractor would silently rewrite them via
    # clean_param(PARAM_PATH), so the file would land somewhere other than intended).
    if name.startswith("/"):
        pkg.add("archive.absolute_path", name, "absolute path in archive")
        return
    segments = name.split("/")
    if ".." in segments:
        pkg.add("archive.parent_path", name, "path contains '..'")
        return
    if "\\" in name:
        pkg.add("archive.backslash", name, "path contains a backslash (Moodle turns it into '/')")
        return
    stripped = sorted(set(STRIPPED_PATH_CHARS.findall(name)))
    if stripped:
        pkg.add("archive.stripped_characters", name,
                f"path contains characters Moodle's extractor strips: {' '.join(map(repr, stripped))}")
    # './x' as written by 'tar -C dir .' is harmless: Moodle extracts it to the same place.
    parts = [part for part in segments if part not in ("", ".")]
    path = "/".join(parts)
    if not path or content is None:
        return
    counts[path] += 1
    pkg.members[path] = content


def _report_duplicates(pkg: Package, counts: Counter[str]) -> None:
    for path, count in sorted(counts.items()):
        if count > 1:
            pkg.add("archive.duplicate_member", path, f"appears {count} times in the archive (the last copy wins)")


def parse_all_xml(pkg: Package) -> None:
    """Check every .xml member for UTF-8 and well-formedness; cache the parsed roots."""
    for path in sorted(pkg.members):
        if path.endswith(".xml"):
            pkg.xml[path] = _parse(pkg, path, pkg.members[path])


def _parse(pkg: Package, path: str, data: bytes) -> ET.Element | None:
    # progressive_parser creates its expat parser for UTF-8; anything else is mangled or rejected.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pkg.add("xml.not_utf8", path, f"not valid UTF-8 (byte {exc.start})")
        return None
    declaration = re.match(r"\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']", text)
    if declaration and declaration.group(1).upper().replace("-", "") != "UTF8":
        pkg.add("xml.encoding_declared", path,
                f"declares encoding {declaration.group(1)}; Moodle reads backups as UTF-8")
    # Moodle never writes a DOCTYPE; refusing it also keeps entity expansion out of the parser.
    if re.search(r"<!DOCTYPE", text, re.IGNORECASE):
        pkg.add("xml.doctype", path, "contains a DOCTYPE declaration, which Moodle's backup files never have")
        return None
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        pkg.add("xml.malformed", path, f"malformed XML: {exc}")
        return None
    except (LookupError, ValueError) as exc:  # e.g. an unknown encoding in the declaration
        pkg.add("xml.malformed", path, f"malformed XML: {exc}")
        return None
