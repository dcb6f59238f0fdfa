/**
 * Renders an HTML report of `gsdiff validate` in Debian's Chromium and saves a full-page PNG: the screenshot in
 * docs/validation/. Usage: node dist/bench/reportScreenshot.js <report.html> <out.png> [width]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.js';

const [html, png, width = '1400'] = process.argv.slice(2);
if (!html || !png) {
  process.stderr.write('usage: node dist/bench/reportScreenshot.js <report.html> <out.png> [width]\n');
  process.exit(2);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  await page.goto(pathToFileURL(resolve(html)).href, { waitUntil: 'load' });
  await page.screenshot({ path: png, fullPage: true });
} finally {
  await browser.close();
}
