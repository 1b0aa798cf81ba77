"""The one small stylesheet every page carries, in the council's house style.

The colours and font are the Word templates' (``assemble/house_style.py``), written again
here as CSS because this stage may not import ``assemble``. Sizes are in rem and the text
column in ch, so the pages reflow at 400% zoom; a dark scheme follows the reader's setting;
print drops the skip link. Refuses scripts, web fonts and anything fetched from elsewhere.
"""

from __future__ import annotations

FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif'

STYLESHEET = f"""
:root {{ color-scheme: light dark; --text: #0b0c0c; --back: #ffffff; --head: #0b3c5d;
  --link: #0b57d0; --rule: #7f7f7f; --label: #f2f2f2; --header: #dce6f0;
  --draft: #a50e0e; --draft-back: #fdf1e7; --ins: #005a2b; --del: #a00000; }}
@media (prefers-color-scheme: dark) {{
  :root {{ --text: #f3f2f1; --back: #121212; --head: #9cc9ef; --link: #8ab4f8;
    --rule: #8a8a8a; --label: #262626; --header: #1d2b38; --draft: #ffb4ab;
    --draft-back: #3b1212; --ins: #8fd19e; --del: #ffb4ab; }}
}}
html {{ font-family: {FONT}; font-size: 100%; line-height: 1.5; color: var(--text);
  background: var(--back); }}
body {{ margin: 0 auto; padding: 1rem; max-width: 70ch; overflow-wrap: break-word; }}
h1, h2, h3 {{ color: var(--head); line-height: 1.25; }}
h1 {{ font-size: 2rem; }} h2 {{ font-size: 1.5rem; }} h3 {{ font-size: 1.2rem; }}
a {{ color: var(--link); }}
a:focus {{ outline: 3px solid var(--draft); outline-offset: 2px; }}
.skip {{ position: absolute; left: -100vw; }}
.skip:focus {{ position: static; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }}
.council {{ font-weight: bold; border-bottom: 2px solid var(--rule); padding-bottom: .5rem; }}
.draft {{ color: var(--draft); background: var(--draft-back); border: 2px solid var(--draft);
  padding: .5rem 1rem; font-weight: bold; }}
.number {{ font-weight: bold; margin-right: .5em; }}
ins {{ color: var(--ins); text-decoration: underline; }}
del {{ color: var(--del); text-decoration: line-through; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; }}
figure {{ margin: 1rem 0; }} img {{ max-width: 100%; height: auto; }}
caption {{ text-align: left; font-weight: bold; padding: .25rem 0; }}
th, td {{ border: 1px solid var(--rule); padding: .4rem; text-align: left;
  vertical-align: top; overflow-wrap: break-word; hyphens: auto; }}
thead th {{ background: var(--header); }}
tbody th {{ background: var(--label); width: 36%; }}
@media (max-width: 40em) {{ th, td {{ overflow-wrap: anywhere; }} }}
footer {{ border-top: 2px solid var(--rule); margin-top: 2rem; font-size: .9rem; }}
@media print {{
  .skip {{ display: none; }}
  body {{ max-width: none; }}
  a[href^="http"]::after {{ content: " (" attr(href) ")"; }}
  tr, li {{ break-inside: avoid; }}
}}
"""
