import type { FieldMetadata } from "@conform-to/react";

/**
 * When Conform checks a form: on submit, then on every keystroke in a field already checked. Never on blur: an error
 * that disappears as a field loses focus moves the form under the pointer, and the click that caused the blur lands
 * beside its target.
 */
export const VALIDATE_ON_SUBMIT_THEN_INPUT = { shouldValidate: "onSubmit", shouldRevalidate: "onInput" } as const;

/**
 * A field's error line. Its line is kept even while empty, so an error appearing or clearing never moves what
 * follows it.
 */
export function FieldError({ field }: { field: FieldMetadata<unknown> }) {
  return (
    <span className="field-error" id={field.errorId}>
      {field.errors?.join(", ")}
    </span>
  );
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
