import type { FieldMetadata } from "@conform-to/react";

export function FieldError({ field }: { field: FieldMetadata<unknown> }) {
  return field.errors?.length ? (
    <span className="field-error" id={field.errorId}>
      {field.errors.join(", ")}
    </span>
  ) : null;
}

export function FormErrors({ errors }: { errors?: string[] }) {
  return errors?.length ? (
    <ul className="errors" role="alert">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  ) : null;
}
