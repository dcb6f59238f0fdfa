// Renders an HTML report (gsdiff validate) in Debian's Chromium and saves a full-page PNG: the screenshot in docs/.
// Usage: node scripts/report-screenshot.mjs <report.html> <out.png> [width]
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [html, png, width = '1400'] = process.argv.slice(2);
if (!html || !png) {
  process.stderr.write('usage: node scripts/report-screenshot.mjs <report.html> <out.png> [width]\n');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  await page.goto(pathToFileURL(resolve(html)).href, { waitUntil: 'load' });
  await page.screenshot({ path: png, fullPage: true });
} finally {
  await browser.close();
}
