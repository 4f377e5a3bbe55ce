// Opens built HTML pages in headless Chromium (Debian's /usr/bin/chromium, no browser download)
// and prints one JSON object: per page, axe-core's violations, internal links that do not
// resolve, images that did not load, console errors, requests that tried to leave the machine,
// and elements that overflow the viewport at phone width. Screenshots at desktop (1280 px) and
// phone (390 px) widths go to --screenshots DIR.
//
//   node check_page.mjs [--screenshots DIR] page.html [page.html …]
//
// Exits 0 when every page could be checked (the caller judges the results), 2 on usage errors,
// 1 when the browser could not be started or a page could not be opened.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

function parseArgs(argv) {
  const pages = [];
  let screenshots = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--screenshots") screenshots = argv[++i];
    else pages.push(path.resolve(argv[i]));
  }
  return { pages, screenshots };
}

/** Links to other files are checked on disk; links within the page against its ids. */
function checkLinks(file, links) {
  const broken = [];
  for (const { href, resolved, missingTarget } of links) {
    if (missingTarget) broken.push({ href, reason: "no element with this id" });
    if (!resolved.startsWith("file:")) continue;
    const target = fileURLToPath(resolved.split("#")[0]);
    if (!existsSync(target)) broken.push({ href, reason: `file ${path.relative(path.dirname(file), target)} missing` });
  }
  return broken;
}

async function inspect(page) {
  return page.evaluate(() => {
    const here = location.href.split("#")[0];
    const links = [...document.querySelectorAll("a[href]")].map((a) => {
      const href = a.getAttribute("href");
      const resolved = a.href;
      const sameDocument = resolved.split("#")[0] === here && resolved.includes("#");
      const fragment = sameDocument ? decodeURIComponent(resolved.split("#")[1]) : null;
      return { href, resolved, missingTarget: sameDocument && fragment !== "" && !document.getElementById(fragment) };
    }).filter((l) => l.resolved.startsWith("file:"));
    const images = [...document.images].map((img, index) => ({
      index, alt: img.getAttribute("alt"), loaded: img.complete && img.naturalWidth > 0,
    }));
    return { links, brokenImages: images.filter((i) => !i.loaded), emptyAlt: images.filter((i) => !i.alt || !i.alt.trim()),
      imageCount: images.length };
  });
}

/** The innermost elements that reach past the right edge of the viewport, outside a scrolling container. */
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    const found = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      // Text that cannot wrap (a long word in a heading) spills out of its box: count what it reaches too.
      const spills = el.clientWidth > 0 && getComputedStyle(el).overflowX === "visible";
      const right = Math.max(box.right, spills ? box.left + el.scrollWidth : 0);
      if (box.width === 0 || right <= width + 1 || clipped(el) || el.closest(".visually-hidden")) continue;
      found.push({ el, right });
    }
    const innermost = found.filter(({ el }) => !found.some((other) => other.el !== el && el.contains(other.el)));
    const offenders = innermost.slice(0, 10).map(({ el, right }) => ({
      element: el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "")
        + (typeof el.className === "string" && el.className.trim() ? `.${el.className.trim().split(/\s+/).join(".")}` : ""),
      right: Math.round(right),
      text: (el.textContent || "").trim().slice(0, 60),
    }));
    return { viewport: width, documentWidth: document.documentElement.scrollWidth, offenders };
  });
}

/**
 * Traced figures (pipeline/present/trace.py): reached with the Tab key, their description shows inside the
 * viewport and names raw rows; Escape hides it while focus stays; hovering shows it too. Checks the first,
 * a middle and the last figure of the page, and one inside a table, at the current viewport.
 */
async function traces(page) {
  const count = await page.locator(".trace").count();
  const result = { count, checked: [] };
  if (count === 0) return result;
  const tableIndex = await page.evaluate(() => [...document.querySelectorAll(".trace")].findIndex((t) => t.closest("td")));
  const picks = [...new Set([0, Math.floor(count / 2), count - 1, tableIndex].filter((i) => i >= 0))];
  for (const index of picks) {
    const figure = page.locator(".trace").nth(index);
    await figure.scrollIntoViewIfNeeded();
    // Focus what comes just before the figure in tab order, then press Tab: the keyboard must reach it.
    await page.evaluate((i) => {
      const all = [...document.querySelectorAll("a[href], button, [tabindex]:not([tabindex='-1']), summary")];
      const target = document.querySelectorAll(".trace")[i];
      const at = all.indexOf(target);
      if (at > 0) all[at - 1].focus(); else { document.activeElement && document.activeElement.blur(); }
    }, index);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate((i) => document.activeElement === document.querySelectorAll(".trace")[i], index);
    const shown = await page.evaluate((i) => {
      const figure = document.querySelectorAll(".trace")[i];
      const note = figure.querySelector(".trace-note");
      const box = note.getBoundingClientRect();
      const described = document.getElementById(figure.getAttribute("aria-describedby"));
      return {
        visible: getComputedStyle(note).display !== "none" && box.width > 0,
        inViewport: box.left >= 0 && box.right <= document.documentElement.clientWidth && box.top >= 0
          && box.bottom <= document.documentElement.clientHeight,
        describedByNote: described === note,
        text: note.textContent,
        value: figure.firstChild ? figure.firstChild.textContent : "",
      };
    }, index);
    await page.keyboard.press("Escape");
    const afterEscape = await page.evaluate((i) => {
      const figure = document.querySelectorAll(".trace")[i];
      return { hidden: getComputedStyle(figure.querySelector(".trace-note")).display === "none",
        stillFocused: document.activeElement === figure };
    }, index);
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await figure.hover();
    const onHover = await page.evaluate((i) => getComputedStyle(document.querySelectorAll(".trace")[i]
      .querySelector(".trace-note")).display !== "none", index);
    await page.mouse.move(0, 0);
    result.checked.push({ index, focused, ...shown, ...afterEscape, onHover });
  }
  return result;
}

async function checkPage(context, file, screenshots) {
  const page = await context.newPage();
  const consoleErrors = [];
  const externalRequests = [];
  page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  // Nothing may leave the machine: record and refuse any request that is not file: or data:.
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    externalRequests.push(url);
    return route.abort();
  });
  page.on("requestfailed", (request) => {
    const url = request.url();
    if (url.startsWith("file:")) consoleErrors.push(`failed to load ${url}`);
  });

  const result = { file, screenshots: [] };
  const stem = path.basename(file, ".html");
  for (const [name, viewport] of Object.entries(WIDTHS)) {
    await page.setViewportSize(viewport);
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    if (screenshots) {
      const target = path.join(screenshots, `${stem}-${name}.png`);
      await page.screenshot({ path: target, fullPage: true });
      result.screenshots.push(target);
    }
    // The numbers behind each diagram sit in closed <details>: open them for the checks.
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
    result[`overflow_${name}`] = await overflow(page);
    result[`traces_${name}`] = await traces(page);
  }

  Object.assign(result, await inspect(page));
  result.brokenLinks = checkLinks(file, result.links);
  result.linkCount = result.links.length;
  delete result.links;

  await page.addScriptTag({ content: AXE_SOURCE });
  const axe = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const outcome = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return outcome.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      count: v.nodes.length,
    }));
  }, AXE_TAGS);
  result.violations = axe;
  result.seriousViolations = axe.filter((v) => ["serious", "critical"].includes(v.impact));
  result.consoleErrors = consoleErrors;
  result.externalRequests = externalRequests;
  await page.close();
  return result;
}

async function main() {
  const { pages, screenshots } = parseArgs(process.argv.slice(2));
  if (pages.length === 0) {
    console.error("usage: node check_page.mjs [--screenshots DIR] page.html [page.html …]");
    process.exit(2);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`);
    process.exit(1);
  }
  if (screenshots) mkdirSync(screenshots, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const context = await browser.newContext({ locale: "sv-SE", serviceWorkers: "block" });
    const results = [];
    for (const file of pages) results.push(await checkPage(context, file, screenshots));
    process.stdout.write(JSON.stringify({ pages: results }, null, 2) + "\n");
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
