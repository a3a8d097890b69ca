// Measure the layout of HTML pages in headless Chromium at given viewport widths:
//   node tests/tools/layout.js WIDTH[,WIDTH...] [--shots DIR] FILE.html ...
// Prints JSON {file: {width: facts}}, where facts are:
//   exit: the quick-exit button's box (or null); split: each line of text that, at some
//   scroll position, shows beside the button while the button hides part of it (the
//   words shown, the words hidden), as a reader scrolling the page would see it;
//   height: the page's height in CSS px; overflow: how far it is wider than the window;
//   lines: for each paragraph of <main>, its rendered lines' lengths in characters;
//   sections: the ids of <main>'s top-level sections and whether each has a heading.
// With --shots DIR, also saves a PNG of each page's first screen (DIR/NAME-WIDTH.png)
// a full-page one (DIR/NAME-WIDTH-full.png) and one scrolled 40% down (-scrolled.png). Uses puppeteer-core with Debian's
// Chromium, as axe.js does.
const path = require("path");
const puppeteer = require("puppeteer-core");

// The lines of text beside the quick-exit button at this scroll position that it hides
// in part: a word is shown if the point at its middle is its own text's, hidden if that
// point is the button's (or anything else's drawn over it).
function clipped(el) {  // shown to screen readers only (.visually-hidden) or off-screen (.skip)
  for (; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (style.clipPath !== "none" || style.visibility === "hidden" ||
        el.classList.contains("skip")) return true;
  }
  return false;
}

function splitLines() {
  const exit = document.getElementById("quick-exit");
  if (!exit) return [];
  const box = exit.getBoundingClientRect();
  const rows = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || exit.contains(node) ||
        clipped(parent)) continue;
    const range = document.createRange();
    const re = /\S+/g;
    let m;
    while ((m = re.exec(node.textContent))) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      for (const r of range.getClientRects()) {
        const y = (r.top + r.bottom) / 2;
        if (r.width === 0 || y < 0 || y > innerHeight || r.bottom <= box.top ||
            r.top >= box.bottom) continue;
        const hit = document.elementFromPoint((r.left + r.right) / 2, y);
        const key = Math.round(y);
        if (!rows.has(key)) rows.set(key, { shown: [], hidden: [], under: false });
        const row = rows.get(key);
        (hit && parent.contains(hit) || hit === parent ? row.shown : row.hidden).push(m[0]);
        row.under = row.under || (r.left < box.right && r.right > box.left);
      }
    }
  }
  return [...rows.values()].filter((r) => r.under && r.shown.length && r.hidden.length)
    .map((r) => ({ shown: r.shown.join(" "), hidden: r.hidden.join(" ") }));
}

function scrollSplits() {
  const split = [];
  const seen = new Set();
  const end = document.documentElement.scrollHeight - innerHeight;
  for (let y = 0; y <= end + 24; y += 24) {
    window.scrollTo(0, Math.min(y, end));
    for (const s of splitLines()) {
      const key = s.shown + "|" + s.hidden;
      if (!seen.has(key)) { seen.add(key); split.push(s); }
    }
  }
  window.scrollTo(0, 0);
  return split;
}

function measure() {
  const exit = document.getElementById("quick-exit");
  const box = exit ? exit.getBoundingClientRect() : null;
  const lines = [];
  // the characters of each rendered line of each paragraph of <main>
  for (const p of document.querySelectorAll("main p")) {
    const text = p.textContent;
    const walker2 = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const rows = new Map();
    for (let node = walker2.nextNode(); node; node = walker2.nextNode()) {
      const range = document.createRange();
      for (let i = 0; i < node.textContent.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getClientRects()[0];
        if (!r) continue;
        const top = Math.round(r.top + r.height / 2);
        let key = [...rows.keys()].find((k) => Math.abs(k - top) < 4);
        if (key === undefined) { key = top; rows.set(key, 0); }
        rows.set(key, rows.get(key) + 1);
      }
    }
    if (text.trim()) lines.push([...rows.values()]);
  }
  const sections = [...document.querySelectorAll("main > section")].map((s) => ({
    id: s.id || (s.getAttribute("aria-labelledby") || ""),
    heading: !!s.querySelector("h2"),
    height: Math.round(s.getBoundingClientRect().height),
  }));
  return {
    exit: box && { left: box.left, top: box.top, right: box.right, bottom: box.bottom,
                   position: getComputedStyle(exit).position },
    split: scrollSplits(), lines, sections,
    height: document.documentElement.scrollHeight,
    overflow: document.documentElement.scrollWidth - innerWidth,
  };
}

(async () => {
  const args = process.argv.slice(2);
  const widths = args.shift().split(",").map(Number);
  let shots = null;
  if (args[0] === "--shots") { args.shift(); shots = args.shift(); }
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/lib/chromium/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const results = {};
  try {
    const page = await browser.newPage();
    for (const file of args) {
      results[file] = {};
      for (const width of widths) {
        await page.setViewport({ width, height: 844, deviceScaleFactor: 1 });
        await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
        results[file][width] = await page.evaluate(
          `${clipped}\n${splitLines}\n${scrollSplits}\n${measure}\nmeasure()`);
        if (shots) {
          const name = path.relative(process.cwd(), path.resolve(file)).replace(/[\\/]/g, "_")
            .replace(/\.html$/, "");
          await page.screenshot({ path: path.join(shots, `${name}-${width}.png`) });
          await page.screenshot({ path: path.join(shots, `${name}-${width}-full.png`),
                                  fullPage: true });
          await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight * 0.4));
          await page.screenshot({ path: path.join(shots, `${name}-${width}-scrolled.png`) });
        }
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(2); });
