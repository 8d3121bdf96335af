import { useRevalidator } from "@remix-run/react";
import { useRef, useState, type DragEvent } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import { previewFile, type DatasetPreview } from "~/utils/dataset-preview.ts";
import { ProgressBar } from "./progress-bar.tsx";
import "./dataset-upload.css";

type Problem = { line: number; column?: number; message: string };
type Status =
  | { state: "idle" }
  | { state: "sending"; sent: number; total: number }
  | { state: "storing"; stored: number; total: number }
  | { state: "done"; rows: number; inserted: number; duplicates: number }
  | { state: "error"; problems: Problem[] };

/**
 * A file is chosen or dropped, its first rows are shown, and Upload sends it as the request body (streamed on the
 * server) with upload, then storing, progress.
 */
export function DatasetUpload({ projectId }: { projectId: string }) {
  const token = useAuthenticityToken();
  const revalidator = useRevalidator();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  const [dragging, setDragging] = useState(false);
  // The preview shown is always the latest file's, however the reads of earlier ones finish.
  const latest = useRef<File | null>(null);
  const busy = status.state === "sending" || status.state === "storing";

  function choose(next: File | null) {
    latest.current = next;
    setFile(next);
    setPreview(null);
    setStatus({ state: "idle" });
    if (next) void previewFile(next).then((p) => latest.current === next && setPreview(p));
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (busy) return;
    const files = e.dataTransfer.files;
    if (!files.length) return;
    // The file input shows the dropped file's name too.
    if (input.current) input.current.files = files;
    choose(files[0]);
  }

  function upload(file: File) {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/projects/${projectId}/upload?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("X-CSRF-Token", token);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    let seen = 0;
    const handleEvents = () => {
      const lines = xhr.responseText.slice(seen).split("\n");
      const complete = lines.slice(0, -1);
      seen += complete.reduce((n, l) => n + l.length + 1, 0);
      for (const line of complete) {
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        if (event.phase === "storing") setStatus({ state: "storing", stored: event.stored, total: event.total });
        if (event.phase === "done") {
          setStatus({ state: "done", rows: event.rows, inserted: event.inserted, duplicates: event.duplicates });
          revalidator.revalidate();
        }
        if (event.phase === "error") setStatus({ state: "error", problems: event.problems });
      }
    };
    xhr.upload.onprogress = (e) => setStatus({ state: "sending", sent: e.loaded, total: e.total || file.size });
    xhr.onprogress = handleEvents;
    xhr.onload = () => {
      if (xhr.status !== 200) setStatus({ state: "error", problems: [{ line: 0, message: xhr.responseText }] });
      else handleEvents();
    };
    xhr.onerror = () =>
      setStatus({ state: "error", problems: [{ line: 0, message: "the upload failed: network error" }] });
    setStatus({ state: "sending", sent: 0, total: file.size });
    xhr.send(file);
  }

  return (
    <div className="stack" data-testid="upload">
      <div
        className={dragging ? "dropzone dragging" : "dropzone"}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p className="dropzone-hint">
          <strong>Drop a JSONL or CSV file here</strong>, or choose one:
        </p>
        <input
          ref={input}
          type="file"
          name="dataset"
          accept=".jsonl,.ndjson,.csv"
          aria-label="Dataset file"
          disabled={busy}
          onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)}
        />
      </div>
      {file && preview ? <Preview file={file} preview={preview} /> : null}
      <div className="row">
        <button type="button" disabled={busy || !file} onClick={() => file && upload(file)}>
          {file ? `Upload ${file.name}` : "Upload"}
        </button>
        {file ? null : <span className="small muted">Choose a file first.</span>}
      </div>
      {status.state === "sending" ? (
        <ProgressBar
          value={status.sent}
          max={status.total}
          label={`Uploading and checking… ${pct(status.sent, status.total)}`}
        />
      ) : null}
      {status.state === "storing" ? (
        <ProgressBar
          value={status.stored}
          max={status.total}
          label={`Storing ${status.stored} of ${status.total} items`}
        />
      ) : null}
      {status.state === "done" ? (
        <p className="notice success" role="status">
          Upload complete: {status.rows} rows, {status.inserted} new items
          {status.duplicates ? `, ${status.duplicates} already in the project` : ""}.
        </p>
      ) : null}
      {status.state === "error" ? (
        <div className="card error" role="alert">
          <strong>The upload was rejected; nothing from it was stored.</strong>
          <ul className="errors">
            {status.problems.map((p, i) => (
              <li key={i}>
                {p.line ? `Line ${p.line}${p.column ? `, column ${p.column}` : ""}: ` : ""}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** The file's first rows as a table, or why they cannot be shown. */
function Preview({ file, preview }: { file: File; preview: DatasetPreview }) {
  const { columns, rows, problem } = preview;
  return (
    <figure className="dataset-preview" data-testid="dataset-preview">
      <figcaption>
        {rows.length
          ? `The first ${rows.length === 1 ? "row" : `${rows.length} rows`} of ${file.name} (${size(file.size)}), as read here; the upload checks every row.`
          : `${file.name} (${size(file.size)})`}
      </figcaption>
      {rows.length ? (
        // Focusable, so the table can be scrolled sideways from the keyboard on a narrow screen.
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`First rows of ${file.name}`}>
          <table>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, r) => (
                <tr key={r}>
                  {row.map((text, c) => (
                    <td key={c}>{text}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {problem ? <p className="notice warning">{problem}</p> : null}
    </figure>
  );
}

function size(bytes: number) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function pct(a: number, b: number) {
  return b ? `${Math.round((a / b) * 100)}%` : "";
}
