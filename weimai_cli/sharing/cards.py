"""QR codes and product cards.

QR codes come from segno (pure Python): drawn in the terminal with half
blocks, or saved as PNG or SVG (segno writes both itself). A product card
holds the title, the price (and struck-through original price), the QR code
of the tracked link and the tracking code:

* ``.svg``: one self-contained file (no external fonts, images or links);
  the text names common CJK fonts and falls back to the viewer's sans-serif;
* ``.png``: drawn with Pillow and a font that has every character of the
  card: ``--font FILE``, else the first suitable system font (Noto Sans CJK,
  Source Han Sans, WenQuanYi, PingFang, Microsoft YaHei, …, or what
  ``fc-match :lang=zh-cn`` names). Without Pillow or such a font the card
  is refused before anything is recorded, with what to install.

segno and Pillow are imported only here, inside the functions that use them.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from weimai_cli.errors import BadInput, EnvironmentProblem
from weimai_cli.i18n import N_, tr

QR_FORMATS = (".png", ".svg")
CARD_FORMATS = (".svg", ".png")
FONT_HINT = N_(  # shown through tr()
    "give a CJK font with --font FILE (.ttf/.otf/.ttc), or install one: "
    "apt install fonts-noto-cjk (or fonts-wqy-microhei); "
    "macOS and Windows ship PingFang / Microsoft YaHei; or write an .svg card"
)
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansCN-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
SVG_FONTS = "'PingFang SC','Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"


@dataclass(frozen=True)
class CardInfo:
    title: str
    price: str  # "¥59.90", "$34.99": with the share's currency
    original_price: str  # "" if none
    code: str
    link: str


def _qr(data: str):
    import segno

    return segno.make(data, error="m", micro=False)


def qr_text(data: str) -> str:
    """The QR code drawn with half-block characters, for a terminal."""
    buf = io.StringIO()
    _qr(data).terminal(out=buf, compact=True, border=2)
    return buf.getvalue().rstrip("\n")


def check_qr_path(path: str | os.PathLike, force: bool = False) -> Path:
    """Format and target checks (weimai_cli.files) before a share is recorded."""
    from weimai_cli.files import check_target

    p = Path(path)
    if p.suffix.lower() not in QR_FORMATS:
        raise BadInput(tr("{file}: a QR file must end in .png or .svg").format(file=p), tr("e.g. --qr qr.png"))
    return check_target(p, force=force, option="--qr")


def save_qr(data: str, path: str | os.PathLike, force: bool = False) -> Path:
    from weimai_cli.files import atomic_open

    p = check_qr_path(path, force)
    with atomic_open(p, force=force, binary=True, option="--qr") as fh:
        _qr(data).save(fh, kind=p.suffix.lower()[1:], scale=8, border=4)
    return p


def cell_width(text: str) -> int:
    """Display width: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Wrap by display width; the last line ends in … when text is left over."""
    lines, cur = [], ""
    for ch in text:
        if cell_width(cur + ch) > width:
            lines.append(cur.rstrip())
            cur = "" if ch == " " else ch
        else:
            cur += ch
    if cur.strip():
        lines.append(cur.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and cell_width(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def card_text(info: CardInfo, width: int = 36) -> str:
    """A text preview of the card (for a terminal), CJK-aware box."""
    body = wrap(info.title, width, 3)
    price = info.price + (f"  原价 {info.original_price}" if info.original_price else "")
    body += ["", price, f"推广码 {info.code}"]
    inner = max(width, *(cell_width(s) for s in body))
    out = ["┌" + "─" * (inner + 2) + "┐"]
    out += ["│ " + s + " " * (inner - cell_width(s)) + " │" for s in body]
    out.append("└" + "─" * (inner + 2) + "┘")
    return "\n".join(out)


# --- SVG card ---------------------------------------------------------------

SVG_W, SVG_H = 480, 640
QR_SIZE = 300


def card_svg(info: CardInfo) -> str:
    """A self-contained SVG card (deterministic for the same share)."""
    qr = _qr(info.link)
    modules = qr.symbol_size(scale=1, border=0)[0]
    qr_svg = qr.svg_inline(scale=round(QR_SIZE / modules, 4), border=0, dark="#000")
    qr_x = (SVG_W - QR_SIZE) // 2
    y = 64
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_W}" height="{SVG_H}" '
        f'viewBox="0 0 {SVG_W} {SVG_H}" role="img" aria-label="{escape(info.title, {chr(34): "&quot;"})}">',
        f'<rect width="{SVG_W}" height="{SVG_H}" rx="24" fill="#fff8f0"/>',
        f'<g font-family="{SVG_FONTS}" fill="#222">',
    ]
    for line in wrap(info.title, 34, 3):
        parts.append(f'<text x="32" y="{y}" font-size="24" font-weight="bold">{escape(line)}</text>')
        y += 34
    y += 30
    parts.append(
        f'<text x="32" y="{y}" font-size="44" font-weight="bold" fill="#e4393c">{escape(info.price)}</text>'
    )
    if info.original_price:
        parts.append(
            f'<text x="{48 + 25 * len(info.price)}" y="{y}" font-size="22" fill="#999" '
            f'text-decoration="line-through">{escape(info.original_price)}</text>'
        )
    y += 36
    parts.append(
        f'<rect x="{qr_x - 12}" y="{y - 12}" width="{QR_SIZE + 24}" height="{QR_SIZE + 24}" fill="#fff"/>'
        f'<g transform="translate({qr_x},{y})">{qr_svg}</g>'
    )
    y += QR_SIZE + 44
    parts.append(
        f'<text x="{SVG_W // 2}" y="{y}" font-size="22" text-anchor="middle">扫码购买</text>'
    )
    y += 40
    parts.append(
        f'<text x="{SVG_W // 2}" y="{y}" font-size="26" text-anchor="middle" '
        f'font-family="monospace" letter-spacing="2">推广码 {escape(info.code)}</text>'
    )
    parts += ["</g>", "</svg>", ""]
    return "\n".join(parts)


# --- PNG card ---------------------------------------------------------------


def _has_glyphs(font, text: str) -> bool:
    """True if the font draws every non-space character (not as the .notdef box)."""
    missing = bytes(font.getmask("\uffff"))
    for ch in set(text):
        if ch.isspace():
            continue
        if bytes(font.getmask(ch)) == missing:
            return False
    return True


def _fc_match() -> list[str]:
    exe = shutil.which("fc-match")
    if not exe:
        return []
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return []
    return [out] if out else []


def find_font(text: str, explicit: str | None = None) -> str:
    """A font file that draws every character of ``text``, or a clear error."""
    try:
        from PIL import ImageFont
    except ImportError:
        raise EnvironmentProblem(
            tr("PNG cards need Pillow, which is not installed"),
            tr("pip install pillow (or pip install 'weimai[card]'), or write an .svg card"),
        ) from None
    if explicit:
        if not Path(explicit).is_file():
            raise BadInput(tr("{file}: font file not found").format(file=explicit), tr(FONT_HINT))
        try:
            font = ImageFont.truetype(explicit, 24)
        except OSError as exc:
            raise BadInput(tr("{file}: not a font Pillow can read ({error})").format(file=explicit, error=exc),
                           tr(FONT_HINT)) from None
        if not _has_glyphs(font, text):
            raise BadInput(tr("{file}: font lacks characters of this card").format(file=explicit), tr(FONT_HINT))
        return explicit
    for path in [*SYSTEM_FONTS, *_fc_match()]:
        if not Path(path).is_file():
            continue
        try:
            font = ImageFont.truetype(path, 24)
        except OSError:
            continue
        if _has_glyphs(font, text):
            return path
    raise EnvironmentProblem(tr("no font with Chinese characters found for the PNG card"), tr(FONT_HINT))


def card_png(info: CardInfo, out, font_path: str) -> None:
    """Draw the PNG card into ``out`` (a binary file)."""
    from PIL import Image, ImageDraw, ImageFont

    k = 2  # draw at twice the SVG layout
    img = Image.new("RGB", (SVG_W * k, SVG_H * k), "#fff8f0")
    draw = ImageDraw.Draw(img)

    def font(size):
        return ImageFont.truetype(font_path, size * k)

    y = 40
    for line in wrap(info.title, 34, 3):
        draw.text((32 * k, y * k), line, font=font(24), fill="#222")
        y += 34
    y += 6
    draw.text((32 * k, y * k), info.price, font=font(44), fill="#e4393c")
    if info.original_price:
        x = (48 + 25 * len(info.price)) * k
        draw.text((x, (y + 18) * k), info.original_price, font=font(22), fill="#999")
        w = draw.textlength(info.original_price, font=font(22))
        draw.line((x, (y + 30) * k, x + w, (y + 30) * k), fill="#999", width=2 * k)
    y += 72
    buf = io.BytesIO()
    qr = _qr(info.link)
    modules = qr.symbol_size(scale=1, border=0)[0]
    qr.save(buf, kind="png", scale=max(1, (QR_SIZE * k) // modules), border=0)
    buf.seek(0)
    code_img = Image.open(buf).convert("RGB").resize((QR_SIZE * k, QR_SIZE * k), Image.NEAREST)
    qr_x = (SVG_W - QR_SIZE) // 2
    draw.rectangle(((qr_x - 12) * k, (y - 12) * k, (qr_x + QR_SIZE + 12) * k, (y + QR_SIZE + 12) * k), fill="#fff")
    img.paste(code_img, (qr_x * k, y * k))
    y += QR_SIZE + 28
    draw.text((SVG_W // 2 * k, y * k), "扫码购买", font=font(22), fill="#222", anchor="mt")
    y += 40
    draw.text((SVG_W // 2 * k, y * k), f"推广码 {info.code}", font=font(26), fill="#222", anchor="mt")
    img.save(out, format="PNG")


@dataclass(frozen=True)
class CardPlan:
    path: Path
    kind: str  # "svg" | "png"
    font: str | None


def plan_card(path: str | os.PathLike, info_text: str, font: str | None = None, force: bool = False) -> CardPlan:
    """Check a card can be written (format, target, Pillow, font) before a share is recorded."""
    from weimai_cli.files import check_target

    p = Path(path)
    ext = p.suffix.lower()
    if ext not in CARD_FORMATS:
        raise BadInput(tr("{file}: a card must end in .svg or .png").format(file=p), tr("e.g. --card card.svg"))
    p = check_target(p, force=force, option="--card")
    if ext == ".svg":
        return CardPlan(p, "svg", None)
    return CardPlan(p, "png", find_font(info_text, font))


def write_card(plan: CardPlan, info: CardInfo, force: bool = False) -> Path:
    from weimai_cli.files import atomic_open

    with atomic_open(plan.path, force=force, binary=True, option="--card") as fh:
        if plan.kind == "svg":
            fh.write(card_svg(info).encode("utf-8"))
        else:
            card_png(info, fh, plan.font or "")
    return plan.path
