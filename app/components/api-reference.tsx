import type { ApiReference, Field, Operation, SchemaEntry, TypeText } from "../openapi/reference.server.ts";
import { Markdown } from "./markdown.tsx";
import "./api-reference.css";

function Type({ type }: { type: TypeText }) {
  return (
    <code className="api-type">
      {type.map((part, i) =>
        "ref" in part ? (
          <a key={i} href={`#schema-${part.ref}`}>
            {part.ref}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </code>
  );
}

function Fields({ fields, location }: { fields: (Field & { in?: string })[]; location?: boolean }) {
  return (
    <table className="api-fields">
      <thead>
        <tr>
          <th>Name</th>
          {location ? <th>In</th> : null}
          <th>Type</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={`${f.in ?? ""}${f.name}`}>
            <td>
              <code>{f.name}</code>
              {f.required ? <span className="small muted"> required</span> : null}
            </td>
            {location ? <td>{f.in}</td> : null}
            <td>
              <Type type={f.type} />
            </td>
            <td>{f.description ? <Markdown>{f.description}</Markdown> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OperationCard({ op }: { op: Operation }) {
  return (
    <section className="card api-operation" id={op.id}>
      <h3>
        <span className={`api-method api-${op.method.toLowerCase()}`}>{op.method}</span> <code>{op.path}</code>
      </h3>
      <p>
        <strong>{op.summary}</strong> <span className="small muted">· auth: {op.auth}</span>
      </p>
      {op.description ? <Markdown>{op.description}</Markdown> : null}
      {op.parameters.length ? (
        <>
          <h4>Parameters</h4>
          <Fields fields={op.parameters} location />
        </>
      ) : null}
      {op.body ? (
        <>
          <h4>Request body</h4>
          <p>
            {op.body.contentTypes.map((t) => (
              <code key={t}>{t} </code>
            ))}
            <Type type={op.body.type} />
          </p>
          {op.body.example ? (
            <pre className="api-example" tabIndex={0}>
              {op.body.example}
            </pre>
          ) : null}
        </>
      ) : null}
      <h4>Responses</h4>
      <table className="api-fields">
        <tbody>
          {op.responses.map((r) => (
            <tr key={r.status}>
              <td>
                <code>{r.status}</code>
              </td>
              <td>{r.type ? <Type type={r.type} /> : null}</td>
              <td>
                <Markdown>{r.description}</Markdown>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SchemaCard({ schema }: { schema: SchemaEntry }) {
  return (
    <section className="card" id={`schema-${schema.name}`}>
      <h3>
        <code>{schema.name}</code>
      </h3>
      {schema.description ? <Markdown>{schema.description}</Markdown> : null}
      {schema.fields.length ? (
        <Fields fields={schema.fields} />
      ) : schema.variants.length ? (
        <>
          <p className="small muted">One of:</p>
          <ul>
            {schema.variants.map((v, i) => (
              <li key={i}>
                <Type type={v} />
              </li>
            ))}
          </ul>
        </>
      ) : (
        <Type type={schema.type} />
      )}
      {schema.example ? (
        <pre className="api-example" tabIndex={0}>
          {schema.example}
        </pre>
      ) : null}
    </section>
  );
}

/** The API reference: a contents list by area, each endpoint with its parameters and answers, then the schemas. */
export function ApiReferenceView({ reference }: { reference: ApiReference }) {
  return (
    <div className="api-reference">
      <h1>{reference.title}</h1>
      <p>
        The same as a machine-readable OpenAPI 3.1 document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
      </p>
      <Markdown>{reference.description}</Markdown>
      <nav className="card" aria-label="Endpoints">
        {reference.groups.map((g) => (
          <div key={g.tag}>
            <strong>{g.tag}</strong>
            <ul>
              {g.operations.map((op) => (
                <li key={op.id}>
                  <a href={`#${op.id}`}>
                    <code>
                      {op.method} {op.path}
                    </code>
                  </a>{" "}
                  <span className="small muted">{op.summary}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <a href="#schemas">Schemas</a>
      </nav>
      {reference.groups.map((g) => (
        <section key={g.tag}>
          <h2>{g.tag}</h2>
          {g.description ? <p className="muted">{g.description}</p> : null}
          {g.operations.map((op) => (
            <OperationCard key={op.id} op={op} />
          ))}
        </section>
      ))}
      <h2 id="schemas">Schemas</h2>
      {reference.schemas.map((s) => (
        <SchemaCard key={s.name} schema={s} />
      ))}
    </div>
  );
}
