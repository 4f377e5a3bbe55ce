// A browser tab on a page of `make preview`: opens the page in headless Chromium (Debian's
// /usr/bin/chromium) and prints one JSON line per load of it, the first one included:
// {"load": n, "title": "...", "h1": "..."}. It runs until it is killed or stdin closes, so
// that the page's reload script polls the preview the whole time, as an open tab does.
//
//   node preview_tab.mjs URL
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const url = process.argv[2];
if (!url) {
  console.error("usage: node preview_tab.mjs URL");
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
let loads = 0;
page.on("load", async () => {
  loads += 1;
  const n = loads;
  const title = await page.title().catch(() => "");
  const h1 = await page.locator("h1").first().innerText().catch(() => "");
  console.log(JSON.stringify({ load: n, title, h1 }));
});
await page.goto(url);
process.stdin.resume();
process.stdin.on("end", async () => {
  await browser.close();
  process.exit(0);
});
