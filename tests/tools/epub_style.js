// Open an EPUB's XHTML pages in headless Chromium, as a reading system would show them,
// and report how their paragraphs are set:
//   node tests/tools/epub_style.js SHOTS_DIR|- WIDTH PAGE.xhtml...
// Prints JSON: {"default_font": the font-family of a paragraph in a page with no style
// sheet (what the "reading system" chooses), "pages": {file: {"paragraphs": [...], "panels": [...]}}}, each
// paragraph {"after": the tag (and class) of the element before it, or "" if it is the
// first; "inside": the classes of its nearest section, div or li; "indent", "top",
// "bottom": its text-indent and margins in px; "font": its font-family; "text": its first
// words; "panel": it has a border or background itself; "in_panel": something around it
// has}, and "panels": the crisis boxes, practices, content notes and key points, each
// {"cls", "framed": it has a border or a background}. With a SHOTS_DIR, each page is also saved as a full-page PNG there.
// Uses puppeteer-core with Debian's Chromium, as axe.js and quick_exit.js do.
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

function measure() {
  const px = (v) => parseFloat(v) || 0;
  const framed = (el) => {
    const s = getComputedStyle(el);
    return ["Top", "Right", "Bottom", "Left"].some((k) => px(s["border" + k + "Width"]) > 0)
      || s.backgroundColor !== "rgba(0, 0, 0, 0)";
  };
  const ancestors = function* (el) {
    for (let a = el.parentElement; a && a.localName !== "body"; a = a.parentElement) yield a;
  };
  const isImage = (el) => el && el.localName === "p" && el.querySelector("img") !== null
    && el.textContent.trim() === "";
  const name = (el) => el ? el.localName + (el.className ? "." + el.className.split(" ").join(".") : "") : "";
  const panels = Array.from(document.querySelectorAll(
    ".crisis-box, section.practice, .content-note, .key-points")).map((el) => ({
    cls: el.className, framed: framed(el) }));
  const paragraphs = Array.from(document.querySelectorAll("p")).map((p) => {
    const s = getComputedStyle(p);
    const box = p.parentElement.closest("section, div, li, dd, td, th, nav");
    return {
      after: name(p.previousElementSibling),
      inside: box ? name(box) : "",
      cls: p.className,
      image: isImage(p), after_image: isImage(p.previousElementSibling),
      panel: framed(p), in_panel: [...ancestors(p)].some(framed),
      indent: px(s.textIndent), top: px(s.marginTop), bottom: px(s.marginBottom),
      font: s.fontFamily, text: p.textContent.trim().split(/\s+/).slice(0, 6).join(" "),
    };
  });
  return { paragraphs, panels };
}


(async () => {
  const [shots, width, ...files] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/lib/chromium/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: parseInt(width, 10) || 600, height: 900 });
    await page.setContent("<p>x</p>");
    const defaultFont = await page.evaluate(() => getComputedStyle(document.querySelector("p")).fontFamily);
    const pages = {};
    for (const file of files) {
      await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
      pages[path.basename(file)] = await page.evaluate(measure);
      if (shots !== "-") {
        fs.mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: path.join(shots, path.basename(file, ".xhtml") + ".png"),
                                fullPage: true });
      }
    }
    process.stdout.write(JSON.stringify({ default_font: defaultFont, pages }));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(2); });
