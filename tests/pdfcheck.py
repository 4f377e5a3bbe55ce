"""Just enough of a PDF reader for the tests: the objects of a WeasyPrint PDF, its pages and named destinations,
and its text as a reader sees it (poppler's pdftotext)."""
import re
import shutil
import subprocess
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_STREAM = re.compile(rb"^(<<.*?>>)\s*stream\r?\n", re.S)


def objects(data: bytes) -> dict[int, bytes]:
    """Object number → its text; streams inflated, objects packed in object streams unpacked."""
    found: dict[int, bytes] = {}
    for match in _OBJECT.finditer(data):
        number, body = int(match.group(1)), match.group(2)
        stream = _STREAM.match(body)
        if not stream:
            found[number] = body
            continue
        head = stream.group(1)
        length = re.search(rb"/Length (\d+)(?! \d+ R)", head)
        content = body[stream.end():stream.end() + int(length.group(1))] if length else body[stream.end():]
        if b"/FlateDecode" in head:
            content = zlib.decompressobj().decompress(content)
        found[number] = head + b"\n" + content
        if b"/Type /ObjStm" in head:
            first = int(re.search(rb"/First (\d+)", head).group(1))
            numbers = [int(n) for n in content[:first].split()]
            pairs = list(zip(numbers[::2], numbers[1::2]))
            for index, (packed, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(content) - first
                found[packed] = content[first + offset:first + end].strip()
    return found


def pages(found: dict[int, bytes]) -> list[int]:
    """The page objects in reading order."""
    catalog = next(body for body in found.values() if b"/Type /Catalog" in body)
    root = int(re.search(rb"/Pages (\d+) 0 R", catalog).group(1))

    def walk(number):
        body = found[number]
        if b"/Type /Pages" not in body:
            return [number]
        kids = re.search(rb"/Kids \[([^\]]*)\]", body).group(1)
        return [page for kid in re.findall(rb"(\d+) 0 R", kids) for page in walk(int(kid))]

    return walk(root)


def destinations(found: dict[int, bytes]) -> dict[str, int]:
    """Named destination (the HTML id) → the page object it points to."""
    catalog = next(body for body in found.values() if b"/Type /Catalog" in body)
    return {name.decode("latin-1"): int(page)
            for name, page in re.findall(rb"\(([^()]*)\) \[(\d+) 0 R /XYZ", catalog)}


def link_targets(found: dict[int, bytes]) -> list[str]:
    """The URI of every link to outside the document."""
    return [uri.decode("latin-1") for body in found.values() for uri in re.findall(rb"/URI \(([^)]*)\)", body)]


def inflated(data: bytes) -> bytes:
    """The file with every stream inflated, to search for text that compression hides."""
    return b"\n".join(objects(data).values()) if data.startswith(b"%PDF") else data


def text(path) -> str | None:
    """The PDF's text in reading order, as ``pdftotext`` extracts it; None when poppler-utils is not installed."""
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
