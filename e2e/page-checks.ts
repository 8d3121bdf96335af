// Checks of a whole page at desktop and phone sizes, for the specs of the pages around the work.
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/**
 * No serious or critical axe violation and nothing wider than a phone, at both sizes; with SCREENSHOTS_DIR set, a
 * screenshot of each as <name>-<size>.png. The page is left at the desktop size.
 */
export async function checkAtBothSizes(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
    const serious = violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious, `${name} at ${size.name}`).toEqual([]);
    if (size.name === "phone") {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      // The deepest elements reaching past the screen's edge, named so that a failure says what to fix.
      const wide =
        overflow > 0
          ? await page.evaluate(() =>
              [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
                .slice(0, 8)
                .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${[...e.classList].join(".")}`),
            )
          : [];
      expect(overflow, `${name} is wider than a phone: ${wide.join(", ")}`).toBeLessThanOrEqual(0);
    }
    if (process.env.SCREENSHOTS_DIR) {
      await page.screenshot({
        path: path.join(process.env.SCREENSHOTS_DIR, `${name}-${size.name}.png`),
        fullPage: true,
      });
    }
  }
  await page.setViewportSize(SIZES[0]);
}
