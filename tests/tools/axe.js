// Run axe-core on HTML files in headless Chromium; print one JSON object per file:
//   node tests/tools/axe.js FILE.html ...
// Uses puppeteer-core with Debian's Chromium (PUPPETEER_EXECUTABLE_PATH, default
// /usr/lib/chromium/chromium); never downloads a browser.
const path = require("path");
const puppeteer = require("puppeteer-core");
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/lib/chromium/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const results = {};
  try {
    const page = await browser.newPage();
    const requests = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
    // what the page's Content-Security-Policy blocked (each directive and URL)
    await page.evaluateOnNewDocument(() => {
      window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    for (const file of process.argv.slice(2)) {
      requests.length = 0;
      await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
      await page.evaluate(axeSource);
      const r = await page.evaluate(() => axe.run(document));
      results[file] = {
        violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) })),
        passes: r.passes.length,
        external_requests: requests.slice(),
        csp_violations: await page.evaluate(() => window.__csp),
      };
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(2); });
