"""The showcase: a static site of a distributor's shares (微博橱窗 and 中间页, issue #15).

``weimai showcase build OUT`` writes an index page (a grid of product cards)
and one page per share (the 中间页 a buyer sees before leaving for the shop).
The pieces: :mod:`.data` picks the shares and what their pages show,
:mod:`.pages` renders HTML (stdlib string templates and ``html.escape``),
:mod:`.images` downloads images for ``--embed-images``, :mod:`.site` writes
the site into a temporary folder beside OUT and swaps it in.

Decisions (docs/showcase.md says the same for users):

* The pages' words (去购买, 复制口令 …) are Chinese constants, not catalog
  messages: the site is for buyers, whatever language the operator's CLI speaks.
* Commission, rates and slots never appear on a page.
* Only http(s) URLs reach a page; anything else (``javascript:``, ``data:``,
  relative, with spaces or control characters) is dropped.
* Output is a pure function of the database and the day: no build time on
  the pages, so a rebuild keeps the bytes (and the file times) of the pages
  that did not change.
"""
