import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

/** Markdown with GFM; raw HTML is dropped and unsafe URLs are stripped by react-markdown, so user text cannot inject markup. */
export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={`markdown ${className ?? ""}`}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml>
        {children}
      </ReactMarkdown>
    </div>
  );
}
