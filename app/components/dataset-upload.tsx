import { useRevalidator } from "@remix-run/react";
import { useRef, useState } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import { ProgressBar } from "./progress-bar.tsx";

type Problem = { line: number; column?: number; message: string };
type Status =
  | { state: "idle" }
  | { state: "sending"; sent: number; total: number }
  | { state: "storing"; stored: number; total: number }
  | { state: "done"; rows: number; inserted: number; duplicates: number }
  | { state: "error"; problems: Problem[] };

/** Sends the file as the request body (streamed on the server) and shows upload, then storing, progress. */
export function DatasetUpload({ projectId }: { projectId: string }) {
  const token = useAuthenticityToken();
  const revalidator = useRevalidator();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ state: "idle" });

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

  const busy = status.state === "sending" || status.state === "storing";
  return (
    <div className="stack" data-testid="upload">
      <div className="row">
        <input
          ref={input}
          type="file"
          name="dataset"
          accept=".jsonl,.ndjson,.csv"
          aria-label="Dataset file"
          disabled={busy}
        />
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            const file = input.current?.files?.[0];
            if (file) upload(file);
          }}
        >
          Upload
        </button>
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
        <p className="notice" role="status">
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

function pct(a: number, b: number) {
  return b ? `${Math.round((a / b) * 100)}%` : "";
}
