"""HTML of the showcase: stdlib templates, every text escaped, only http(s) URLs.

The words on the pages are Chinese constants (:data:`WORDS`): the showcase is
for buyers. No external fonts, scripts or trackers; the only script is the
small inline copy button (progressive: without JavaScript the 淘口令 is a
read-only field to select by hand), allowed by a Content-Security-Policy
that names its hash.
"""

from __future__ import annotations

import base64
import hashlib
import html
from string import Template
from urllib.parse import urlsplit

from weimai_cli.showcase.data import Item, Showcase

WORDS = {
    "buy": "去购买",
    "coupon": "领券",
    "coupon_off": "领券立减",
    "coupon_end": "有效期至",
    "after": "券后价",
    "price": "价格",
    "copy": "复制口令",
    "copied": "已复制",
    "tkl_hint": "微信里打不开？复制口令，打开淘宝 App 即可购买",
    "qr": "手机扫码购买",
    "back": "← 全部好物",
    "showcase": "{name}的好物橱窗",
    "count": "{n} 件好物",
    "points": "推荐理由",
}

_CTRL = {chr(c) for c in range(33)} | {"\x7f", "<", ">", '"', "'", "`", "\\"}


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL with a host and nothing odd
    in it (no spaces, quotes or control characters); else None."""
    u = (url or "").strip()
    if not u or any(ch in _CTRL for ch in u):
        return None
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return u


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


SCRIPT = (
    "(function(){var bs=document.querySelectorAll('button[data-copy]');"
    "Array.prototype.forEach.call(bs,function(b){var f=document.getElementById(b.getAttribute('data-copy'));"
    "if(!f)return;b.hidden=false;b.addEventListener('click',function(){"
    "function done(){b.textContent=b.getAttribute('data-done')}"
    "if(navigator.clipboard&&navigator.clipboard.writeText){"
    "navigator.clipboard.writeText(f.value).then(done,function(){f.select()})}"
    "else{f.select();try{if(document.execCommand('copy'))done()}catch(e){}}})})})();"
)
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = (
    "default-src 'none'; img-src http: https: 'self'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)

CSS = """*{box-sizing:border-box}
body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#222;background:#f6f6f6}
a{color:inherit}
header,main,footer{max-width:960px;margin:0 auto;padding:12px}
h1{font-size:20px;margin:8px 0}
.grid{display:grid;grid-template-columns:repeat(2,1fr);gap:10px;list-style:none;margin:0;padding:0}
@media(min-width:720px){.grid{grid-template-columns:repeat(4,1fr)}}
.card{display:block;background:#fff;border-radius:8px;overflow:hidden;text-decoration:none;height:100%}
.card img,.hero,.noimg{display:block;width:100%;aspect-ratio:1/1;object-fit:cover;background:#eee}
.card h2{font-size:14px;font-weight:normal;margin:6px 8px;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.price{margin:4px 8px 8px;color:#e4393c;font-weight:bold}
.price del{color:#999;font-weight:normal;font-size:13px;margin-left:6px}
.coupon{display:inline-block;margin:0 8px 8px;padding:0 6px;border:1px solid #e4393c;border-radius:4px;color:#e4393c;font-size:12px}
.item{background:#fff;max-width:640px}
.item .price{font-size:22px;margin:8px 0}
.item .coupon{margin:0 0 8px;font-size:14px}
.points{padding-left:20px}
.buy{display:block;margin:16px 0;padding:14px;border-radius:24px;background:#e4393c;color:#fff;text-align:center;font-size:18px;text-decoration:none}
.tkl{background:#fff7e6;border-radius:8px;padding:10px;margin:12px 0}
.tkl input{width:100%;font-size:16px;padding:8px;border:1px solid #f0c36d;border-radius:4px;background:#fff}
.tkl button{margin-top:8px;padding:8px 16px;border:0;border-radius:16px;background:#ff9000;color:#fff;font-size:15px}
.qr{display:none;text-align:center;color:#666;font-size:13px}
.qr svg{width:160px;height:160px}
@media(min-width:720px){.qr{display:block}}
time{white-space:nowrap}
footer{color:#999;font-size:13px}"""

PAGE = Template("""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="referrer" content="no-referrer">
<title>$title</title>
$meta
<style>
$css
</style>
</head>
<body>
$body
</body>
</html>
""")


def _meta(title: str, description: str, image: str | None, url: str | None) -> str:
    tags = [("name", "description", description), ("property", "og:type", "website"),
            ("property", "og:title", title), ("property", "og:description", description)]
    if image:
        tags.append(("property", "og:image", image))
    if url:
        tags.append(("property", "og:url", url))
    tags += [("name", "twitter:card", "summary_large_image" if image else "summary"),
             ("name", "twitter:title", title), ("name", "twitter:description", description)]
    if image:
        tags.append(("name", "twitter:image", image))
    out = [f'<meta {attr}="{name}" content="{esc(value)}">' for attr, name, value in tags]
    if url:
        out.append(f'<link rel="canonical" href="{esc(url)}">')
    return "\n".join(out)


def _page(title: str, meta: str, body: str) -> str:
    return PAGE.substitute(csp=CSP, title=esc(title), meta=meta, css=CSS, body=body)


def _img(src: str | None, alt: str, cls: str = "") -> str:
    if not src:
        return f'<div class="{(cls + " noimg").strip()}" role="img" aria-label="{esc(alt)}"></div>'
    c = f' class="{cls}"' if cls else ""
    return f'<img{c} src="{esc(src)}" alt="{esc(alt)}" loading="lazy" referrerpolicy="no-referrer">'


def _price_html(item: Item) -> str:
    if item.coupon_price:
        return (f'<p class="price"><span class="after">{WORDS["after"]} {esc(item.coupon_price)}</span>'
                f'<del>{esc(item.price)}</del></p>')
    return f'<p class="price">{esc(item.price)}</p>'


def description(item: Item) -> str:
    """og:description: the price, 券后价 and coupon, then the first selling points."""
    if item.coupon_price:
        head = f"{WORDS['after']} {item.coupon_price}（原价 {item.price}）· {item.coupon_text}"
    else:
        head = f"{WORDS['price']} {item.price}"
    return " · ".join([head, *item.points[:2]])


class Images:
    """Where each page finds an image: the embedded file, else its URL (http(s) only)."""

    def __init__(self, local: dict[str, str] | None = None, base_url: str | None = None):
        self.local = local or {}
        self.base_url = base_url

    def src(self, url: str) -> str | None:
        return self.local.get(url) or safe_url(url)

    def absolute(self, url: str) -> str | None:
        """For og:image: an absolute URL (the embedded copy only when the base URL is known)."""
        if url in self.local and self.base_url:
            return self.base_url + self.local[url]
        return safe_url(url)


def index_page(show: Showcase, images: Images, base_url: str | None = None) -> str:
    title = WORDS["showcase"].format(name=show.name)
    cards = []
    for item in show.cards:
        coupon = f'<p class="coupon">{WORDS["coupon"]} {esc(item.coupon_text)}</p>' if item.coupon_text else ""
        cards.append(
            f'<li><a class="card" href="{esc(item.page)}" data-code="{esc(item.code)}">'
            f'{_img(images.src(item.image_url), item.title)}'
            f'<h2>{esc(item.title)}</h2>{_price_html(item)}{coupon}</a></li>'
        )
    count = WORDS["count"].format(n=len(show.cards))
    first = next((images.absolute(i.image_url) for i in show.cards if images.absolute(i.image_url)), None)
    body = (f"<header><h1>{esc(title)}</h1><p>{count}</p></header>\n"
            f'<main><ul class="grid">\n' + "\n".join(cards) + "\n</ul></main>")
    return _page(title, _meta(title, count, first, base_url), body)


def share_page(item: Item, images: Images, qr_svg: str, base_url: str | None = None) -> str:
    link = safe_url(item.link)
    parts = [_img(images.src(item.image_url), item.title, "hero"), f"<h1>{esc(item.title)}</h1>", _price_html(item)]
    if item.coupon_text:
        end = f' · {WORDS["coupon_end"]} <time datetime="{esc(item.coupon_end)}">{esc(item.coupon_end)}</time>' \
            if item.coupon_end else ""
        parts.append(f'<p class="coupon">{WORDS["coupon_off"]} {esc(item.coupon_off)}（{esc(item.coupon_text)}）{end}</p>')
    if item.points:
        parts.append(f'<h2>{WORDS["points"]}</h2><ul class="points">'
                     + "".join(f"<li>{esc(p)}</li>" for p in item.points) + "</ul>")
    if link:
        parts.append(f'<a class="buy" href="{esc(link)}" rel="nofollow noopener noreferrer">{WORDS["buy"]}</a>')
    if item.tkl:
        parts.append(
            f'<section class="tkl"><p>{WORDS["tkl_hint"]}</p>'
            f'<input id="tkl" type="text" readonly value="{esc(item.tkl)}" aria-label="淘口令">'
            f'<button type="button" data-copy="tkl" data-done="{WORDS["copied"]}" hidden>{WORDS["copy"]}</button>'
            f"</section>")
    if link and qr_svg:
        parts.append(f'<figure class="qr">{qr_svg}<figcaption>{WORDS["qr"]}</figcaption></figure>')
    body = (f'<main class="item" data-code="{esc(item.code)}">\n' + "\n".join(parts) + "\n</main>\n"
            f'<footer><a href="index.html">{WORDS["back"]}</a></footer>')
    if item.tkl:
        body += f"\n<script>{SCRIPT}</script>"
    url = base_url + item.page if base_url else None
    return _page(item.title, _meta(item.title, description(item), images.absolute(item.image_url), url), body)


def qr_svg(link: str | None) -> str:
    """The link's QR code as inline SVG ('' without a safe link)."""
    url = safe_url(link)
    if not url:
        return ""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, svgclass="qrcode")
