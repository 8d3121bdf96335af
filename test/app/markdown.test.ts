// User Markdown (project instructions, item text) may only show images the page itself carries and links that
// leave the site without the Referer: no request to any URL, the app's own routes included, on viewing it.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "~/components/markdown.tsx";

const render = (markdown: string) => renderToStaticMarkup(createElement(Markdown, { children: markdown }));
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==";

/** Every URL the rendered HTML would make a browser fetch or follow. */
const urls = (html: string) =>
  [...html.matchAll(/\b(?:src|href|srcset|action|formaction|poster)="([^"]*)"/g)].map((m) => m[1]);

describe("Markdown images", () => {
  it.each([
    ["an app route", "![x](/work/7d6c1a52-6a5e-4f35-8b9b-2f3c1f0d9e11)", "/work/"],
    ["a relative path", "![x](logout)", "logout"],
    ["a remote tracker", "![pixel](https://tracker.example/p.gif?u=1)", "tracker.example"],
    ["a protocol-relative URL", "![x](//tracker.example/p.gif)", "tracker.example"],
    ["a reference-style remote image", "![x][r]\n\n[r]: https://tracker.example/r.png", "tracker.example"],
    ["an SVG data URL (can hold script)", "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", "svg"],
    ["an HTML data URL", "![x](data:text/html;base64,PGI+aGk8L2I+)", "text/html"],
    ["a non-base64 data URL", "![x](data:image/png,hello)", "data:"],
    ["raw HTML", '<img src="https://tracker.example/h.gif">', "tracker.example"],
  ])("drops %s, keeping its text", (_name, markdown, leak) => {
    const html = render(markdown);
    expect(html).not.toMatch(/<img/);
    expect(html).not.toContain(leak);
    expect(urls(html)).toEqual([]);
  });

  it("keeps its alt text where the image was", () => {
    expect(render("See ![the chart](https://tracker.example/c.png) here")).toContain("the chart");
  });

  it.each(["png", "jpeg", "gif", "webp"])("shows a base64 data:image/%s", (type) => {
    const src = PNG.replace("image/png", `image/${type}`);
    const html = render(`![inline](${src})`);
    expect(html).toContain(`<img src="${src}" alt="inline"`);
    expect(urls(html)).toEqual([src]);
  });
});

describe("Markdown links", () => {
  it.each([
    ["https://example.com/a?b=c", "[docs](https://example.com/a?b=c)"],
    ["http://example.com/", "[docs](http://example.com/)"],
    ["mailto:help@example.com", "[mail](mailto:help@example.com)"],
    ["https://example.com", "<https://example.com>"],
    ["http://www.example.com", "www.example.com"],
  ])("opens %s in a new tab without the referrer or an endorsement", (href, markdown) => {
    const html = render(markdown);
    expect(urls(html)).toEqual([href]);
    expect(html).toMatch(/<a [^>]*rel="noopener noreferrer nofollow"/);
    expect(html).toMatch(/<a [^>]*target="_blank"/);
  });

  it.each([
    ["javascript:", "[click](javascript:alert(1))"],
    ["an app route", "[sign out](/logout)"],
    ["a relative path", "[x](work/123)"],
    ["a protocol-relative URL", "[x](//evil.example/)"],
    ["a data URL", "[x](data:text/html;base64,PGI+aGk8L2I+)"],
    ["vbscript:", "[x](vbscript:msgbox)"],
    ["a file URL", "[x](file:///etc/passwd)"],
  ])("renders a link to %s as plain text", (_name, markdown) => {
    const html = render(markdown);
    expect(html).not.toMatch(/<a\b/);
    expect(urls(html)).toEqual([]);
    expect(html).toMatch(/click|sign out|x/);
  });

  it("drops raw HTML and its event handlers", () => {
    const html = render('<a href="https://e.example" onclick="alert(1)">x</a><script>alert(1)</script>');
    expect(html).not.toMatch(/onclick|<script|<a /);
  });
});

describe("Markdown code", () => {
  it("highlights a fenced block that names its language, keeping its text", () => {
    const html = render("```python\ndef add(a, b):\n    return a + b  # sum\n```");
    expect(html).toMatch(/<code class="hljs language-python">/);
    expect(html).toContain('<span class="hljs-keyword">def</span>');
    expect(html).toContain('<span class="hljs-comment"># sum</span>');
    expect(html.replace(/<[^>]+>/g, "")).toContain("def add(a, b):\n    return a + b  # sum");
  });

  it("leaves a block without a language, or with an unknown one, as plain text", () => {
    for (const fence of ["```", "```no-such-language"]) {
      const html = render(`${fence}\nlet x = 1;\n\`\`\``);
      expect(html).not.toMatch(/hljs-/);
      expect(html).toContain("let x = 1;");
    }
  });

  it("escapes markup inside highlighted code instead of rendering it", () => {
    const html = render(
      '```html\n<img src="https://tracker.example/p.gif" onerror="alert(1)"><script>alert(1)</script>\n```',
    );
    expect(html).not.toMatch(/<img|<script|onerror="/);
    expect(urls(html)).toEqual([]);
    expect(html).toContain('<span class="hljs-name">script</span>');
    expect(html.replace(/<[^>]+>/g, "")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});
