import type { ComponentProps } from "react";
import ReactMarkdown, { type Components, type UrlTransform } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";
import "./markdown.css";

// Viewing user Markdown (instructions, items) must make no request: an image URL would be fetched by every viewer
// (a tracker, or one of the app's own routes), so only images the text itself carries are shown.
const INLINE_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/]+={0,2}$/i;
// Links leave for the web or a mail client; anything else (javascript:, the app's own routes, relative paths) is text.
const EXTERNAL_LINK = /^(?:https?:\/\/|mailto:)/i;

/** Keeps a URL only where it is safe: inline raster images for `src`, http(s)/mailto for `href`; drops the rest. */
const urlTransform: UrlTransform = (url, key, node) => {
  if (key === "src" && node.tagName === "img") return INLINE_IMAGE.test(url) ? url : undefined;
  if (key === "href") return EXTERNAL_LINK.test(url) || /^#[\w-]+$/.test(url) ? url : undefined;
  return undefined;
};

function SafeImage({ src, alt }: ComponentProps<"img">) {
  if (!src) return alt ? <span title="Only images embedded in the text are shown">{alt}</span> : null;
  return <img src={src} alt={alt ?? ""} />;
}

function SafeLink({ href, id, children }: ComponentProps<"a">) {
  if (!href) return <>{children}</>;
  // Footnote references and back-references (remark-gfm) stay links within the page.
  if (href.startsWith("#"))
    return (
      <a href={href} id={id}>
        {children}
      </a>
    );
  return (
    <a href={href} rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  );
}

// Only fenced blocks that name their language are highlighted: guessing runs every grammar over every block.
const rehypePlugins: ComponentProps<typeof ReactMarkdown>["rehypePlugins"] = [[rehypeHighlight, { detect: false }]];

const components: Components = {
  // A long code line scrolls sideways inside its block: focusable, so the keyboard can scroll it too.
  pre: ({ children }) => <pre tabIndex={0}>{children}</pre>,
  img: ({ src, alt }) => <SafeImage src={src} alt={alt} />,
  a: ({ href, id, children }) => (
    <SafeLink href={href} id={id}>
      {children}
    </SafeLink>
  ),
};

/**
 * Markdown with GFM, and code blocks fenced with a language (```python) syntax-highlighted. Raw HTML is dropped; images show only as inline `data:image/(png|jpeg|gif|webp);base64`
 * (anything else leaves its alt text), links only to http(s) or mailto, in a new tab without the referrer.
 */
export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={`markdown ${className ?? ""}`}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={rehypePlugins}
        skipHtml
        urlTransform={urlTransform}
        components={components}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
