// Drive the web edition's quick exit in headless Chromium:
//   node tests/tools/quick_exit.js FIRST.html SECOND.html escape|click
// Opens FIRST, then SECOND, leaves with the Escape key or the button, then goes Back.
// Prints JSON: {"left": URL after leaving, "back": URL after Back, "name": the button's
// accessible name}. Uses puppeteer-core with Debian's Chromium, as axe.js does.
const path = require("path");
const puppeteer = require("puppeteer-core");

(async () => {
  const [first, second, how] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/lib/chromium/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.goto("file://" + path.resolve(first), { waitUntil: "load" });
    await page.goto("file://" + path.resolve(second), { waitUntil: "load" });
    const snapshot = await page.accessibility.snapshot({ interestingOnly: true });
    const find = (n) => n && (n.role === "link" && /^Quick exit/.test(n.name) ? n
      : (n.children || []).map(find).find(Boolean));
    const button = find(snapshot);
    const leaving = page.waitForNavigation({ waitUntil: "load" });
    if (how === "escape") {
      await page.keyboard.press("Escape");
    } else {
      await page.click("#quick-exit");
    }
    await leaving;
    const left = page.url();
    await page.goBack({ waitUntil: "load" });
    process.stdout.write(JSON.stringify({ left, back: page.url(),
                                          name: button ? button.name : null }));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(2); });
